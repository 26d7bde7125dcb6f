package dev.steward.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a container runs it: pid 1 of a pid namespace of its own ({@code unshare --pid --fork --mount-proc},
 * skipped where that is not permitted). The pids it reports are the namespace's, so this test never signals them: it
 * signals the daemon by its pid out here, and SIGKILL to it ends the whole namespace.
 */
class ContainerInitIT {
    private static final List<String> UNSHARE = List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child");

    @TempDir
    Path root;
    private final List<Long> daemons = new ArrayList<>();

    @BeforeAll
    static void unshareIsPermitted() throws Exception {
        Process probe;
        try {
            probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            probe = null;
        }
        assumeTrue(probe != null && probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "unshare --pid (a new pid namespace) is not permitted here");
    }

    @AfterEach
    void killEveryNamespace() {
        for (long daemon : daemons) {
            Processes.kill(daemon); // pid 1 of its namespace: the kernel kills the rest with it
        }
    }

    /** Starts the daemon as pid 1 of a new pid namespace; returns it, and {@code pid[0]} is its pid out here. */
    private DaemonProcess start(String name, long[] pid) throws IOException {
        DaemonProcess daemon = DaemonProcess.launch(UNSHARE, List.of(), root.resolve("manifests"), root.resolve("state"), name,
                List.of("--manifests", root.resolve("manifests").toString(), "--state-dir", root.resolve("state").toString(),
                        "--listen", "127.0.0.1:0"));
        pid[0] = await("the daemon under unshare").atMost(DaemonProcess.PATIENCE)
                .until(() -> daemon.process().toHandle().children().findFirst().map(ProcessHandle::pid).orElse(0L), p -> p > 0);
        daemons.add(pid[0]);
        daemon.awaitLine("watching ");
        return daemon;
    }

    /** SIGTERM to the daemon by its pid out here (docker stop); its exit code once it has ended. */
    private static int terminate(DaemonProcess daemon, long pid) throws Exception {
        assertTrue(new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor() == 0);
        assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon ended");
        return daemon.process().exitValue();
    }

    /** A manifest in the daemon's directory, there before it starts: program {@code name} runs {@code command}. */
    private void program(String name, String command) throws IOException {
        Files.createDirectories(root.resolve("manifests"));
        Files.writeString(root.resolve("manifests/" + name + ".yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: %s}
                spec:
                  command: %s
                """.formatted(name, command));
    }

    /** Zombies whose parent is {@code parent}: exited processes nobody has reaped. */
    private static List<Long> zombiesOf(long parent) throws IOException {
        return childrenOf(parent, "Z");
    }

    /** The processes whose parent is {@code parent} and whose state is one of {@code states} (R, S, Z ...). */
    private static List<Long> childrenOf(long parent, String states) throws IOException {
        List<Long> children = new ArrayList<>();
        try (var all = Files.list(Path.of("/proc"))) {
            for (Path entry : all.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(entry.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (states.contains(fields[0]) && Long.parseLong(fields[1]) == parent) {
                    children.add(Long.parseLong(entry.getFileName().toString()));
                }
            }
        }
        return children;
    }

    /**
     * As {@code docker exec NAME sh -c 'sleep 2 &'}: a process entered into the daemon's namespace from outside leaves an
     * orphan, which the kernel gives to pid 1 though the daemon never started it; it must be reaped when it ends.
     */
    private static void execLeavesAnOrphanThatIsReaped(long daemon, Path gate) throws Exception {
        // The orphan lives until the gate is opened: seen as pid 1's child however slow the machine, then seen reaped.
        Process exec = new ProcessBuilder("nsenter", "--target", Long.toString(daemon), "--pid", "--mount", "/bin/sh", "-c",
                "(while [ ! -e \"$0\" ]; do sleep 0.05; done) & exit 0", gate.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(exec.waitFor(30, TimeUnit.SECONDS) && exec.exitValue() == 0, "nsenter into the daemon's namespace");
        List<Long> orphans = await("the orphan, now pid 1's").atMost(DaemonProcess.PATIENCE)
                .until(() -> childrenOf(daemon, "RSD"), found -> !found.isEmpty());
        Files.createFile(gate);
        for (long orphan : orphans) {
            await("the orphan " + orphan + " reaped once it ends").atMost(DaemonProcess.PATIENCE)
                    .until(() -> !Files.exists(Path.of("/proc", Long.toString(orphan))));
        }
        Files.delete(gate);
    }

    @Test
    void asPidOneItReapsOrphanedGrandchildrenAndExitsZeroOnSigterm() throws Exception {
        Path done = root.resolve("done");
        Files.createDirectories(root.resolve("manifests"));
        // 20 grandchildren, each double-forked (its parent gone at once), so they are pid 1's to reap when they end
        Files.writeString(root.resolve("manifests/forker.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: forker}
                spec:
                  command: ["/bin/sh", "-c", "for i in $(seq 20); do (sh -c 'sleep 0.2' &); done; sleep 1; echo > %s; exec sleep 1000"]
                """.formatted(done));
        long[] pid = new long[1];
        DaemonProcess daemon = start("ContainerInitIT-reap", pid);
        assertEquals("1", Files.readString(root.resolve("state/steward.lock")).trim(), "the daemon is pid 1 of its namespace");
        daemon.awaitLine("forker: RUNNING");
        await("the grandchildren's end").atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(done));
        await("no zombie left under pid 1").atMost(DaemonProcess.PATIENCE).until(() -> zombiesOf(pid[0]).isEmpty());

        // docker stop: SIGTERM to pid 1
        assertEquals(0, terminate(daemon, pid[0]), () -> String.join("\n", daemon.lines()));
        daemon.awaitLine("all programs stopped");
    }

    @Test
    void asPidOneItReapsTheOrphansOfProcessesItNeverStarted() throws Exception {
        Files.createDirectories(root.resolve("manifests"));
        long[] pid = new long[1];
        DaemonProcess daemon = start("ContainerInitIT-exec-orphans", pid);
        execLeavesAnOrphanThatIsReaped(pid[0], root.resolve("gate")); // before any spawn

        daemon.writeManifest("once.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: once}
                spec:
                  command: ["true"]
                  startSeconds: 0
                """);
        daemon.awaitLine("once: EXITED");
        execLeavesAnOrphanThatIsReaped(pid[0], root.resolve("gate")); // with no child of its own left
        assertEquals(0, terminate(daemon, pid[0]), () -> String.join("\n", daemon.lines()));
    }

    /** As an init does before it ends (dumb-init, s6-overlay, sysvinit): the kernel would end them with SIGKILL. */
    @Test
    void asPidOneItSendsSigtermToTheOrphansLeftOnceItsProgramsHaveStopped() throws Exception {
        Path mark = root.resolve("orphan-got-term");
        Path script = root.resolve("leaves-an-orphan.sh");
        // a worker in the background that outlives the program, stopped without stopAsGroup: pid 1's orphan then
        Files.writeString(script, """
                sh -c 'trap "echo TERM > %s; exit 0" TERM; sleep 1000 & wait' &
                exec sleep 1000
                """.formatted(mark));
        program("leaver", "[\"/bin/sh\", \"" + script + "\"]");
        long[] pid = new long[1];
        DaemonProcess daemon = start("ContainerInitIT-orphans-at-stop", pid);
        daemon.awaitLine("leaver: RUNNING");

        assertEquals(0, terminate(daemon, pid[0]), () -> String.join("\n", daemon.lines()));
        assertEquals("TERM", Files.readString(mark).trim(), () -> String.join("\n", daemon.lines()));
        assertTrue(daemon.lines().stream().anyMatch(l -> l.contains("1 process outlived its program (pid ")),
                () -> String.join("\n", daemon.lines()));
        assertFalse(daemon.lines().stream().anyMatch(l -> l.contains("WARN")), () -> String.join("\n", daemon.lines()));
    }

    /** docker kill, or the OOM killer, then the container restarted on the same state volume. */
    @Test
    void aKilledPidOneLeavesNothingAndItsSuccessorWarnsOfNoOtherNamespace() throws Exception {
        program("sleeper", "[\"sleep\", \"1000\"]");
        long[] first = new long[1];
        DaemonProcess killed = start("ContainerInitIT-killed", first);
        killed.awaitLine("sleeper: RUNNING");
        // Held open, the namespace's number is not given to the next one, which must then count as another namespace.
        try (FileInputStream namespace = new FileInputStream("/proc/" + first[0] + "/ns/pid")) {
            Processes.kill(first[0]);
            assertTrue(killed.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertTrue(Files.exists(root.resolve("state/children")), "killed, it could not delete its list of children");

            long[] second = new long[1];
            DaemonProcess successor = start("ContainerInitIT-successor", second);
            successor.awaitLine("sleeper: RUNNING");
            assertTrue(successor.lines().stream().anyMatch(l -> l.contains("(pid 1) ended without stopping its programs")
                    && l.contains("none of its processes is still running")), () -> String.join("\n", successor.lines()));
            assertFalse(successor.lines().stream().anyMatch(l -> l.contains("WARN")), () -> String.join("\n", successor.lines()));
            assertFalse(Files.exists(root.resolve("state/children.elsewhere")));
            assertEquals(0, terminate(successor, second[0]));
        }
    }
}
