package dev.steward;

import dev.steward.daemon.ConfigFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serve command line read without picocli agrees with picocli, and leaves everything else to it. */
class ServeCommandTest {

    private static List<Object> fields(ServeCommand serve) {
        return java.util.Arrays.asList(serve.manifests, serve.stateDir, serve.listen, serve.cdsTraining);
    }

    private static ServeCommand picocli(String... args) {
        CommandLine.ParseResult parsed = new CommandLine(new Main.StewardCommand()).parseArgs(args);
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void commonCommandLinesGiveWhatPicocliGives() {
        for (String[] args : List.of(
                new String[] {"serve"},
                new String[] {"serve", "--manifests", "m", "--state-dir", "/var/lib/steward", "--listen", "0.0.0.0:9001"},
                new String[] {"serve", "--listen=127.0.0.1:0", "--manifests=dir with spaces"},
                new String[] {"serve", "--state-dir", "s", "--cds-training"},
                new String[] {"serve", "--manifests", "a=b"})) {
            Optional<ServeCommand> quick = ServeCommand.parseCommon(args);
            assertTrue(quick.isPresent(), String.join(" ", args));
            assertEquals(fields(picocli(args)), fields(quick.get()), String.join(" ", args));
        }
    }

    @Test
    void helpUnknownRepeatedOrIncompleteOptionsAreLeftToPicocli() {
        for (String[] args : List.of(
                new String[] {"serve", "--help"},
                new String[] {"serve", "-h"},
                new String[] {"serve", "--manifest", "m"},
                new String[] {"serve", "--manifests", "a", "--manifests", "b"},
                new String[] {"serve", "--manifests"},
                new String[] {"serve", "--manifests", "--listen", "x:1"},
                new String[] {"serve", "extra"},
                new String[] {"serve", "--cds-training=yes"},
                new String[] {"get", "programs"},
                new String[] {})) {
            assertEquals(Optional.empty(), ServeCommand.parseCommon(args).map(ServeCommandTest::fields), String.join(" ", args));
        }
    }

    @Test
    void aListenAddressIsCheckedBeforeAnythingStarts() {
        assertArrayEquals(new String[] {"127.0.0.1", "9001"}, ServeCommand.hostAndPort("127.0.0.1:9001", "--listen"));
        assertArrayEquals(new String[] {"[::1]", "0"}, ServeCommand.hostAndPort("[::1]:0", "--listen"));
        for (String bad : List.of("9001", "127.0.0.1", ":9001", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http",
                "127.0.0.1:-1", "127.0.0.1:123456")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServeCommand.hostAndPort(bad, "STEWARD_LISTEN"), bad);
            assertEquals("STEWARD_LISTEN must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:9001 (got " + bad + ")",
                    e.getMessage());
        }
    }

    @Test
    void anAddressWithAnExpressionInTheWorkingDirectorysConfigIsLeftToQuarkus(@TempDir Path dir) throws Exception {
        // quarkus.http.port=${PORT:9001}, as a platform that names the port writes it: Quarkus expands it, and the daemon
        // started so until it read config/application.properties early and refused the expression
        Files.createDirectories(dir.resolve("config"));
        Path properties = dir.resolve("config").resolve("application.properties");
        ServeCommand serve = ServeCommand.parseCommon("serve").orElseThrow();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Files.writeString(properties, "quarkus.http.host=127.0.0.1\nquarkus.http.port=" + taken.getLocalPort() + "\n");
            ListenCheck plain = serve.checkListen(new Properties(), ConfigFiles.in(dir));
            IllegalStateException inUse = assertThrows(IllegalStateException.class, plain::await);
            assertTrue(inUse.getMessage().contains("(quarkus.http.host/port (.env or config/application.properties))"),
                    inUse.getMessage());

            Files.writeString(properties, "quarkus.http.host=${STEWARD_TEST_UNSET:127.0.0.1}\n"
                    + "quarkus.http.port=${STEWARD_TEST_UNSET:" + taken.getLocalPort() + "}\n");
            serve.checkListen(new Properties(), ConfigFiles.in(dir)).await(); // not checked: Quarkus binds it, or says why
        }
    }
}
