package dev.steward.e2e;

import dev.steward.cli.HttpTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Daemon-level behaviour: graceful SIGTERM in priority order, and the state-directory lock. */
class ShutdownIT {
    @TempDir
    Path root;

    /** A program that, on TERM, appends its name to marks/order and exits after a short pause. */
    private static String recorder(String name, int priority, Path marks) {
        return """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: %1$s}
                spec:
                  command: ["/bin/sh", "-c", "trap 'echo %1$s >> %2$s/order; sleep 0.3; exit 0' TERM; echo $$ > %2$s/%1$s.pid; while true; do sleep 0.1; done"]
                  startSeconds: 0
                  priority: %3$d
                  replicas: 1
                ---
                """.formatted(name, marks, priority);
    }

    @Test
    void sigtermStopsEverythingInReversePriorityOrderAndExitsZero() throws Exception {
        Path marks = Files.createDirectories(root.resolve("marks"));
        try (DaemonProcess daemon = DaemonProcess.start(root, "ShutdownIT-order")) {
            int skip = daemon.lineCount();
            daemon.writeManifest("all.yaml", recorder("first", 10, marks) + recorder("middle", 500, marks)
                    + recorder("last", 900, marks));
            long first = daemon.awaitRunning("first", skip);
            long middle = daemon.awaitRunning("middle", skip);
            long last = daemon.awaitRunning("last", skip);
            for (String name : List.of("first", "middle", "last")) {
                Processes.awaitPidFile(marks.resolve(name + ".pid"));
            }
            assertEquals(0, daemon.terminate());
            assertEquals(List.of("last", "middle", "first"), Files.readAllLines(marks.resolve("order")));
            assertTrue(daemon.lines().stream().anyMatch(l -> l.contains("all programs stopped")));
            for (long pid : List.of(first, middle, last)) {
                assertTrue(!Processes.alive(pid), "pid " + pid + " left behind");
            }
        }
    }

    /**
     * The engine spawns before Quarkus has booted, so a TERM can arrive before Quarkus runs or while it
     * starts; either way the children it started are stopped and the daemon exits 0.
     */
    @Test
    void sigtermDuringStartupStopsTheChildrenAlreadyStarted() throws Exception {
        Path marks = Files.createDirectories(root.resolve("marks"));
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Files.writeString(manifests.resolve("early.yaml"), recorder("early", 10, marks));
        DaemonProcess daemon = DaemonProcess.launch(manifests, root.resolve("state"), "ShutdownIT-early");
        try {
            long pid = Processes.awaitPidFile(marks.resolve("early.pid"));
            assertEquals(0, daemon.terminate());
            assertEquals(List.of("early"), Files.readAllLines(marks.resolve("order")));
            assertTrue(!Processes.alive(pid), "pid " + pid + " left behind");
        } finally {
            daemon.close();
        }
    }

    /**
     * While a graceful stop waits for a slow program, the API still answers (as supervisord's does): the
     * process reads STOPPING, and an action is refused with 503 rather than the connection.
     */
    @Test
    void duringAGracefulStopTheApiAnswersAndRefusesActions() throws Exception {
        Path marks = Files.createDirectories(root.resolve("marks"));
        Path release = marks.resolve("release");
        try (DaemonProcess daemon = DaemonProcess.start(root, "ShutdownIT-api")) {
            daemon.writeManifest("slow.yaml", """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: slow}
                    spec:
                      command: ["/bin/sh", "-c", "trap 'touch %1$s/term; while [ ! -e %2$s ]; do sleep 0.05; done; exit 0' TERM; echo $$ > %1$s/slow.pid; while true; do sleep 0.1; done"]
                      startSeconds: 0
                      stopTimeoutSeconds: 120
                    """.formatted(marks, release));
            long pid = daemon.awaitRunning("slow", 0);
            Processes.awaitPidFile(marks.resolve("slow.pid"));
            Path socket = daemon.stateDir.resolve("steward.sock");
            await().atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(socket));
            HttpTransport http = new HttpTransport(HttpTransport.Endpoint.unix(socket), 5_000);
            // Streams open before the TERM end cleanly once everything has stopped, instead of being cut.
            HttpTransport.Response logs = http.send("GET", "/api/v1/processes/slow/logs?follow=true", null, null, "text/plain");
            HttpTransport.Response events = http.send("GET", "/api/v1/events/stream", null, null, "text/event-stream");
            try {
                daemon.process().destroy(); // TERM, without waiting
                await().atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(marks.resolve("term")));

                try (HttpTransport.Response process = http.send("GET", "/api/v1/processes/slow", null, null, "application/json")) {
                    assertEquals(200, process.status);
                    assertTrue(process.text().contains("\"STOPPING\""));
                }
                try (HttpTransport.Response start = http.send("POST", "/api/v1/actions/start?target=slow", null, null, "application/json")) {
                    assertEquals(503, start.status, "actions are refused while the daemon shuts down");
                }
                assertTrue(daemon.process().isAlive());
                daemon.process().destroy(); // TERM again: said, and the stop goes on as it was
                await().atMost(DaemonProcess.PATIENCE).until(() -> daemon.lines().stream().anyMatch(line -> line.contains(
                        "SIGTERM again: still shutting down, 1 process left to stop (`steward get processes` shows them);"
                                + " each gets SIGKILL once its stopTimeoutSeconds have passed")));
                assertTrue(daemon.process().isAlive());
            } finally {
                Files.createFile(release);
            }
            assertTimeoutPreemptively(DaemonProcess.PATIENCE, () -> {
                logs.text(); // an EOFException if the daemon cut the chunked response
                String stream = events.text();
                assertTrue(stream.contains("\"reason\":\"Stopped\""), stream);
            });
            assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, daemon.process().exitValue());
            assertTrue(!Processes.alive(pid), "pid " + pid + " left behind");
        }
    }

    @Test
    void secondDaemonOnTheSameStateDirectoryRefusesToStart() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(root, "ShutdownIT-lock-1")) {
            DaemonProcess second = DaemonProcess.launch(root.resolve("other-manifests"), first.stateDir, "ShutdownIT-lock-2");
            try {
                assertTrue(second.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
                assertTrue(second.process().exitValue() != 0);
                second.awaitLine("is already using the state directory");
                assertTrue(first.process().isAlive());
            } finally {
                second.close();
            }
        }
    }

    @Test
    void daemonRestartArrivesAtTheSameWorld() throws IOException, InterruptedException {
        Path marks = Files.createDirectories(root.resolve("marks"));
        try (DaemonProcess daemon = DaemonProcess.start(root, "ShutdownIT-restart-1")) {
            daemon.writeManifest("keep.yaml", recorder("keep", 1, marks));
            daemon.awaitRunning("keep", 0);
            assertTrue(Files.exists(daemon.stateDir.resolve("children")));
            assertEquals(0, daemon.terminate());
            assertFalse(Files.exists(daemon.stateDir.resolve("children")), "a daemon that stopped its children leaves no ledger");
        }
        try (DaemonProcess again = DaemonProcess.start(root, "ShutdownIT-restart-2")) {
            long pid = again.awaitRunning("keep", 0);
            assertTrue(Processes.alive(pid));
            assertEquals(0, again.count("ended without stopping its programs"));
        }
    }

    /**
     * Killed outright, a daemon stops nothing, and its children run on (as supervisord's do). The next daemon on the
     * state directory stops them, SIGKILL after the stop timeout for one that ignores its stop signal, before it starts
     * anything: each program runs once.
     */
    @Test
    void aDaemonKilledOutrightLeavesItsChildrenToTheNextOneWhichStopsThemBeforeStartingAnything() throws Exception {
        afterADaemonKilledOutright(1, (marks, leftovers) -> {
            try (DaemonProcess next = DaemonProcess.start(root, "ShutdownIT-next")) {
                next.awaitLine("ended without stopping its programs (killed or crashed), and 2 of its processes still run:"
                        + " obedient (pid " + leftovers.get(0) + "), stubborn (pid " + leftovers.get(1) + ")");
                next.awaitLine("stubborn: pid " + leftovers.get(1) + ", left running by the previous daemon");
                next.awaitLine("is still running 1 s after SIGTERM; sending SIGKILL");
                long obedient = next.awaitRunning("obedient", 0);
                long stubborn = next.awaitRunning("stubborn", 0);
                for (long pid : leftovers) {
                    assertFalse(Processes.alive(pid), "pid " + pid + " was stopped before its program started again");
                }
                assertEquals(List.of(Long.toString(leftovers.get(0)), Long.toString(obedient)),
                        Files.readAllLines(marks.resolve("obedient.pids")));
                assertEquals(List.of(Long.toString(leftovers.get(1)), Long.toString(stubborn)),
                        Files.readAllLines(marks.resolve("stubborn.pids")));
                List<String> lines = next.lines();
                int stopped = indexOf(lines, "stubborn: stopped pid " + leftovers.get(1) + ", which the previous daemon");
                assertTrue(stopped >= 0 && stopped < indexOf(lines, "obedient: STARTING"), String.join("\n", lines));
            }
        });
    }

    /** A TERM while those are stopped ends the daemon once they are, without starting the programs only to stop them. */
    @Test
    void aStopRequestWhileAKilledDaemonsChildrenAreStoppedStartsNothing() throws Exception {
        afterADaemonKilledOutright(3, (marks, leftovers) -> {
            DaemonProcess next = DaemonProcess.launch(root.resolve("manifests"), root.resolve("state"), "ShutdownIT-next-stopped");
            try {
                next.awaitLine("stubborn (pid " + leftovers.get(1) + "); stopping them");
                assertEquals(0, next.terminate());
                for (long pid : leftovers) {
                    assertFalse(Processes.alive(pid), "pid " + pid + " was stopped all the same");
                }
                assertTrue(next.lines().stream().anyMatch(line -> line.contains("stubborn: stopped pid " + leftovers.get(1))));
                assertTrue(next.lines().stream().anyMatch(line -> line.contains("asked to stop while the previous daemon's"
                        + " processes were being stopped: they are stopped, and nothing else was started")));
                assertEquals(0, next.count("STARTING"), String.join("\n", next.lines()));
                assertEquals(List.of(Long.toString(leftovers.get(1))), Files.readAllLines(marks.resolve("stubborn.pids")));
            } finally {
                next.close();
            }
        });
    }

    /** What a test does with the two children a daemon killed outright left: their pids, obedient's first. */
    private interface Leftovers {
        void test(Path marks, List<Long> leftovers) throws Exception;
    }

    /** Runs {@code test} after {@link #killLeaving}, and kills whatever of the two children is left at the end. */
    private void afterADaemonKilledOutright(int stubbornTimeout, Leftovers test) throws Exception {
        Path marks = Files.createDirectories(root.resolve("marks"));
        List<Long> leftovers = new ArrayList<>();
        try {
            killLeaving(marks, stubbornTimeout, leftovers);
            test.test(marks, leftovers);
        } finally {
            leftovers.forEach(Processes::kill);
        }
    }

    /**
     * Starts a daemon with an obedient program and a stubborn one (it ignores SIGTERM; {@code stubbornTimeout} is its
     * stop timeout), kills the daemon outright, and adds the two children it leaves running to {@code leftovers}.
     */
    private void killLeaving(Path marks, int stubbornTimeout, List<Long> leftovers) throws Exception {
        DaemonProcess killed = DaemonProcess.start(root, "ShutdownIT-killed");
        try {
            killed.writeManifest("two.yaml", """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: obedient}
                    spec:
                      command: ["/bin/sh", "-c", "echo $$ >> %1$s/obedient.pids; exec sleep 1000"]
                      startSeconds: 0
                    ---
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: stubborn}
                    spec:
                      command: ["/bin/sh", "-c", "trap '' TERM; echo $$ >> %1$s/stubborn.pids; exec sleep 1000"]
                      startSeconds: 0
                      stopTimeoutSeconds: %2$d
                    """.formatted(marks, stubbornTimeout));
            leftovers.add(Processes.awaitPidFile(marks.resolve("obedient.pids")));
            leftovers.add(Processes.awaitPidFile(marks.resolve("stubborn.pids")));
            killed.awaitRunning("stubborn", 0);
            killed.process().destroyForcibly().waitFor();
        } finally {
            if (killed.process().isAlive()) {
                killed.close(); // the test failed before the kill: stop it and its children
            }
        }
        for (long pid : leftovers) {
            assertTrue(Processes.alive(pid), "pid " + pid + " ran on after its daemon was killed");
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
