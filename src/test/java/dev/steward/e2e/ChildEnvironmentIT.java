package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a child inherits from the daemon's own environment. */
class ChildEnvironmentIT {
    @TempDir
    Path root;

    /**
     * A daemon started without a UTF-8 locale (a cron job, {@code env -i}, an image without {@code LANG}) hands its
     * children a UTF-8 value as it got it, where the JDK's {@code System.getenv()} would have decoded it as ASCII.
     */
    @Test
    void aUtf8VariableOfTheDaemonReachesTheChildUnchangedWithoutAUtf8Locale() throws Exception {
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9}, greetingTheChildGets("caf\\303\\251"));
    }

    /** A value that is not UTF-8 (Latin-1's "café") reaches the child as it is, as supervisord hands it on. */
    @Test
    void aVariableOfTheDaemonThatIsNotUtf8ReachesTheChildUnchanged() throws Exception {
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9, 'x'}, greetingTheChildGets("caf\\351x"));
    }

    /**
     * A variable whose name is not a shell's ({@code docker run -e my-var=x} and Kubernetes allow them) reaches a program
     * started through /bin/sh for its umask, as it reaches one started without: dash, Debian's sh, drops them.
     */
    @Test
    void aVariableWhoseNameNoShellTakesReachesAProgramStartedThroughTheShell() throws Exception {
        String umasked = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: child}
                spec:
                  command: ["/bin/sh", "-c", "tr '\\\\0' '\\\\n' < /proc/$$/environ > %1$s.tmp && mv %1$s.tmp %1$s; exec sleep 1000"]
                  umask: "027"
                  startSeconds: 0
                """;
        // bash runs $BASH_ENV first (an image's ENV BASH_ENV=~/.bashrc, for conda or nvm): what that exports reached the
        // program, which started without the shell gets none of it
        Path bashEnv = Files.writeString(root.resolve("bashrc"), "export SOURCED_BY_THE_SHELL=yes\n");
        List<String> environ = new String(writtenByTheChild(umasked, List.of("/usr/bin/env", "my-var=dashes",
                "spring.profiles.active=prod", "PLAIN=kept", "BASH_ENV=" + bashEnv)), StandardCharsets.UTF_8).lines().toList();

        assertTrue(environ.containsAll(List.of("my-var=dashes", "spring.profiles.active=prod", "PLAIN=kept", "BASH_ENV=" + bashEnv)),
                environ.toString());
        assertFalse(environ.contains("SOURCED_BY_THE_SHELL=yes"), environ.toString());
    }

    /**
     * A daemon whose PATH has an entry that is not UTF-8 (a Latin-1 home directory's bin), and a log file named after a
     * variable that is not: the command is found on the rest of PATH and the log file written, as before such values
     * were kept byte for byte. Java could name neither as a file, and the supervision thread failed at the first
     * program: no program started, and the manifests were never in force.
     */
    @Test
    void aDaemonWhosePathHasAnEntryThatIsNotUtf8StartsItsPrograms() throws Exception {
        byte[] greeting = greetingTheChildGets("LC_ALL=C.UTF-8 GREETING=\"$(printf 'caf\\351')\" PATH=\"$(printf"
                + " '/opt/caf\\351/bin'):$PATH\"", "sh", "  logs: {stdout: {file: \"%%(ENV_GREETING)s.log\"}}\n");

        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, greeting);
    }

    /** The bytes of $GREETING as a child of a daemon started with it set to what {@code printf} makes of {@code bytes}. */
    private byte[] greetingTheChildGets(String bytes) throws Exception {
        // printf makes the bytes, whatever this JVM's own charset would make of the text
        return greetingTheChildGets("LC_ALL=C GREETING=\"$(printf '" + bytes + "')\"", "/bin/sh", "");
    }

    /**
     * The bytes of $GREETING as a child, run by {@code shell} with {@code moreSpec} added to its spec, of a daemon started
     * with the variables {@code exports} sets in sh.
     */
    private byte[] greetingTheChildGets(String exports, String shell, String moreSpec) throws Exception {
        String greet = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: child}
                spec:
                  command: ["SHELL", "-c", "printf %%s \\"$GREETING\\" > %1$s.tmp && mv %1$s.tmp %1$s; exec sleep 1000"]
                  startSeconds: 0
                """.replace("SHELL", shell) + moreSpec;
        return writtenByTheChild(greet, List.of("/bin/sh", "-c", "export " + exports + "; exec \"$@\"", "sh"));
    }

    /**
     * What program {@code child} of {@code manifest} (whose {@code %1$s} is the file to write) wrote, under a daemon
     * started through {@code wrapper}.
     */
    private byte[] writtenByTheChild(String manifest, List<String> wrapper) throws Exception {
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path out = root.resolve("written");
        Files.writeString(manifests.resolve("child.yaml"), manifest.formatted(out));
        try (DaemonProcess daemon = DaemonProcess.launch(wrapper, List.of(), manifests, root.resolve("state"),
                "ChildEnvironmentIT", List.of("--manifests", manifests.toString(), "--state-dir",
                        root.resolve("state").toString(), "--listen", "127.0.0.1:0"))) {
            daemon.awaitRunning("child", 0);
            await("the child's file " + out).atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(out));
            return Files.readAllBytes(out);
        }
    }
}
