package dev.steward.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine end to end: one real daemon, real shell-script children, observed through the daemon's
 * log lines, marker files the children write, and /proc. Each test uses its own program names.
 */
class EngineIT {
    @TempDir
    static Path root;
    static DaemonProcess daemon;
    static Path marks;

    @BeforeAll
    static void startDaemon() throws IOException {
        marks = Files.createDirectories(root.resolve("marks"));
        daemon = DaemonProcess.start(root, "EngineIT");
    }

    @AfterAll
    static void stopDaemon() throws InterruptedException {
        daemon.close();
    }

    /** A manifest whose child writes its pid (and, when asked, an env var) to marks/NAME.pid and sleeps. */
    static String sleeper(String name, String extraSpec) {
        return """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: %s
                spec:
                  command: ["/bin/sh", "-c", "echo $$ > %s/$STEWARD_PROCESS_NAME.pid.tmp && mv %s/$STEWARD_PROCESS_NAME.pid.tmp %s/$STEWARD_PROCESS_NAME.pid && exec sleep 1000"]
                  startSeconds: 0
                %s""".formatted(name, marks, marks, marks, extraSpec.indent(2));
    }

    /** A manifest whose child adds a line to marks/NAME.spawns and exits 1 at once. */
    static String failing(String name, String extraSpec) {
        return """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: %1$s}
                spec:
                  command: ["/bin/sh", "-c", "echo spawn >> %2$s/%1$s.spawns; exit 1"]
                %3$s""".formatted(name, marks, extraSpec.indent(2));
    }

    @Test
    void droppedFileRunsItsProgram() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("drop.yaml", sleeper("drop", ""));
        long pid = daemon.awaitRunning("drop", skip);
        assertEquals(pid, Processes.awaitPidFile(marks.resolve("drop.pid")));
        assertTrue(Processes.alive(pid));
        assertEquals("drop", Processes.environment(pid, "STEWARD_PROGRAM").orElseThrow());
        assertEquals("1", Processes.environment(pid, "SUPERVISOR_ENABLED").orElseThrow());
        assertEquals("drop", Processes.environment(pid, "SUPERVISOR_PROCESS_NAME").orElseThrow());
    }

    @Test
    void aLogFileThatCannotBeWrittenIsSaidInTheDaemonsLogOnceUntilItIsWrittenAgain() throws Exception {
        Path blocker = Files.writeString(root.resolve("blocked"), "a file where the log directory should be");
        Path log = blocker.resolve("chatty.log");
        int skip = daemon.lineCount();
        daemon.writeManifest("chatty.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: chatty}
                spec:
                  command: ["/bin/sh", "-c", "while true; do echo chat; sleep 0.1; done"]
                  startSeconds: 0
                  logs:
                    stdout: {file: %s}
                """.formatted(log));
        daemon.awaitLineAfter(skip, "WARN  cannot write log file " + log + ": FileAlreadyExistsException");
        // more writes fail meanwhile; the output still reaches the in-memory tail, and describe tells why
        await("chatty's output in memory").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(500))
                .until(() -> steward("logs", "chatty").out().lines().filter("chat"::equals).count() >= 5);
        assertTrue(steward("describe", "process", "chatty").out().contains("cannot write log file " + log));
        assertEquals(1, daemon.linesAfter(skip).stream().filter(line -> line.contains("cannot write log file")).count(),
                "said once, not at every write");

        Files.delete(blocker);
        daemon.awaitLineAfter(skip, "INFO  log file " + log + " is written again");
        await("output in " + log).atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(log) && Files.size(log) > 0);
        daemon.deleteManifest("chatty.yaml");
        daemon.awaitLineAfter(skip, "chatty: STOPPED");
    }

    /**
     * The state directory cannot take the file of processes stopped by hand (a full disk, here a directory in the way):
     * the stop is carried out and reported as done, the daemon's log says once what could not be saved, and the next
     * action saves it once it can.
     */
    @Test
    void aStopByHandThatCannotBeSavedIsCarriedOutAndSaidOnceUntilItIsSaved() throws Exception {
        int skip = daemon.lineCount();
        daemon.writeManifest("held.yaml", sleeper("held", ""));
        long pid = daemon.awaitRunning("held", skip);
        Path names = daemon.stateDir.resolve("stopped-by-hand");
        // The daemon, shared by this class's tests, may have written the file already: it writes it whole at each save.
        Files.deleteIfExists(daemon.stateDir.resolve("stopped-by-hand.manifests"));
        Path blocker = Files.createDirectories(daemon.stateDir.resolve("stopped-by-hand.manifests"));
        Path keep = Files.writeString(blocker.resolve("keep"), "in the way of the rename");
        try {
            CliRun stop = steward("stop", "held");
            assertEquals(0, stop.code(), stop.toString());
            assertTrue(stop.out().contains("held: stopped"), stop.toString());
            assertFalse(Processes.alive(pid));
            daemon.awaitLineAfter(skip, "WARN  cannot save " + names + " (FileSystemException: ");
            assertTrue(steward("describe", "process", "held").out().contains("Stopped By Hand:  yes"));
            assertEquals(0, daemon.linesAfter(skip).stream().filter(line -> line.contains("ERROR")).count(),
                    String.join("\n", daemon.linesAfter(skip)));
            assertFalse(Files.exists(daemon.stateDir.resolve(".stopped-by-hand.manifests.tmp")));
        } finally {
            Files.deleteIfExists(keep);
            Files.deleteIfExists(blocker);
        }
        CliRun again = steward("stop", "held"); // nothing to stop, but the mark now reaches the file
        assertEquals(0, again.code(), again.toString());
        daemon.awaitLineAfter(skip, "INFO  saved " + names + " again");
        assertTrue(Files.readAllLines(names).contains("held"), "other tests' processes stopped by hand may be there too");
        assertEquals(1, daemon.linesAfter(skip).stream().filter(line -> line.contains("cannot save")).count());
        daemon.deleteManifest("held.yaml");
        await("held's mark gone with its manifest").atMost(DaemonProcess.PATIENCE)
                .until(() -> !Files.readAllLines(names).contains("held"));
    }

    @Test
    void killedProcessIsRestarted() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("crash.yaml", sleeper("crash", ""));
        long first = daemon.awaitRunning("crash", skip);
        int beforeKill = daemon.lineCount();
        Processes.kill(first);
        // then ")", or "; restarts in ... ms" when it ran under a second
        daemon.awaitLineAfter(beforeKill, "crash: EXITED (terminated by SIGKILL; not expected");
        long second = daemon.awaitRunning("crash", beforeKill);
        assertTrue(second != first && Processes.alive(second));
    }

    @Test
    void environmentChangeRestartsWithTheNewEnvironment() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("envy.yaml", sleeper("envy", "environment: {COLOR: red}"));
        long first = daemon.awaitRunning("envy", skip);
        assertEquals("red", Processes.environment(first, "COLOR").orElseThrow());
        int beforeChange = daemon.lineCount();
        daemon.writeManifest("envy.yaml", sleeper("envy", "environment: {COLOR: blue}"));
        long second = daemon.awaitRunning("envy", beforeChange);
        Processes.awaitDead(first);
        assertEquals("blue", Processes.environment(second, "COLOR").orElseThrow());
    }

    @Test
    void scalingDownKeepsTheRemainingPids() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("scale.yaml", sleeper("scale", "replicas: 3"));
        long p0 = daemon.awaitRunning("scale-0", skip);
        long p1 = daemon.awaitRunning("scale-1", skip);
        long p2 = daemon.awaitRunning("scale-2", skip);
        int beforeScale = daemon.lineCount();
        daemon.writeManifest("scale.yaml", sleeper("scale", "replicas: 2"));
        daemon.awaitLineAfter(beforeScale, "scale-2: STOPPED");
        Processes.awaitDead(p2);
        assertTrue(Processes.alive(p0) && Processes.alive(p1));
        assertEquals(0, daemon.linesAfter(beforeScale).stream()
                .filter(l -> l.contains("scale-0:") || l.contains("scale-1:")).count());
    }

    @Test
    void retryCountChangeRestartsNothing() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("retry.yaml", sleeper("retry", "startRetries: 3"));
        long pid = daemon.awaitRunning("retry", skip);
        int beforeChange = daemon.lineCount();
        daemon.writeManifest("retry.yaml", sleeper("retry", "startRetries: 7\nstopTimeoutSeconds: 3\npriority: 5"));
        daemon.awaitLineAfter(beforeChange, "program/retry changed: applied in place, nothing restarted");
        assertTrue(Processes.alive(pid));
        assertEquals(0, daemon.linesAfter(beforeChange).stream()
                .filter(l -> l.contains("retry: ")).count());
    }

    @Test
    void invalidYamlKeepsTheOldProcessRunning() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("sturdy.yaml", sleeper("sturdy", ""));
        long pid = daemon.awaitRunning("sturdy", skip);
        int beforeBreak = daemon.lineCount();
        daemon.writeManifest("sturdy.yaml", sleeper("sturdy", "replicas: many"));
        String error = daemon.awaitLineAfter(beforeBreak, "sturdy.yaml:");
        assertTrue(error.contains("spec.replicas"), error);
        assertTrue(Processes.alive(pid));
        // Fixed again, with no change to the program: nothing restarts.
        int beforeFix = daemon.lineCount();
        daemon.writeManifest("sturdy.yaml", sleeper("sturdy", ""));
        daemon.awaitLineAfter(beforeFix, "sturdy.yaml has no errors any more");
        assertTrue(Processes.alive(pid));
    }

    @Test
    void deletedFileStopsItsProcess() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("doomed.yaml", sleeper("doomed", ""));
        long pid = daemon.awaitRunning("doomed", skip);
        int beforeDelete = daemon.lineCount();
        daemon.deleteManifest("doomed.yaml");
        daemon.awaitLineAfter(beforeDelete, "doomed: STOPPED (terminated by SIGTERM)");
        Processes.awaitDead(pid);
    }

    @Test
    void failingProgramIsFatalAfterStartRetriesPlusOneSpawns() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("flaky.yaml", failing("flaky", "startSeconds: 1\nstartRetries: 2"));
        daemon.awaitLineAfter(skip, "flaky: FATAL");
        assertEquals(3, daemon.linesAfter(skip).stream().filter(l -> l.contains("flaky: STARTING")).count());
        assertEquals(3, Files.readAllLines(marks.resolve("flaky.spawns")).size());
    }

    @Test
    void aCrashLoopUnderRestartBackoffRestartsOnceThenWaitsUntilStopped() throws Exception {
        int skip = daemon.lineCount();
        daemon.writeManifest("crashy.yaml", failing("crashy",
                "restartPolicy: Always\nstartSeconds: 0\nrestartBackoff: {initialSeconds: 3600, maxSeconds: 3600}"));
        // The first restart in a row is at once (a second after the start, the least any restart waits); the second waits.
        daemon.awaitLineAfter(skip, "crashy: EXITED (exit status 1; not expected; restarts in 3600 s (restartBackoff:"
                + " restart 2 in a row, each run shorter than 600 s))");
        assertEquals(2, daemon.linesAfter(skip).stream().filter(l -> l.contains("crashy: STARTING")).count());
        assertEquals(2, Files.readAllLines(marks.resolve("crashy.spawns")).size());

        CliRun described = steward("describe", "process", "crashy");
        assertEquals(0, described.code(), described::toString);
        assertTrue(described.out().contains("State:") && described.out().contains("EXITED"), described::toString);
        // Not an exit that stays: each view says when it restarts.
        assertTrue(described.out().matches("(?s).*\n  Next Restart: +\\w{3}, .* \\(in (59m|60m)\\)\n.*"), described::toString);
        CliRun status = steward("status", "crashy");
        assertTrue(status.out().matches("(?s)crashy +EXITED +\\w{3} \\d\\d \\d\\d:\\d\\d [AP]M; restarts in 3[56]\\d\\d s\n"),
                status::toString);
        CliRun got = steward("get", "processes", "crashy");
        assertTrue(got.out().contains("EXITED (restarts in 59m") || got.out().contains("EXITED (restarts in 60m"), got::toString);
        assertTrue(described.out().contains("Warning") && described.out().contains("BackOff")
                && described.out().contains("back-off restarting failed process: exit status 1; not expected; restarts in 3600 s"),
                described::toString);

        int beforeStop = daemon.lineCount();
        CliRun stopped = steward("stop", "crashy");
        assertEquals(0, stopped.code(), stopped::toString);
        daemon.awaitLineAfter(beforeStop, "crashy: STOPPED (stopped while waiting to restart)");
        assertEquals(2, Files.readAllLines(marks.resolve("crashy.spawns")).size(), "the pending restart was cancelled");
    }

    record CliRun(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /** The real client, {@code bin/steward}, on the daemon's unix socket in its state directory. */
    static CliRun steward(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin", "steward").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("STEWARD_SERVER");
        builder.environment().remove("STEWARD_TOKEN");
        builder.environment().put("STEWARD_STATE_DIR", daemon.stateDir.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("the client did not finish: " + command);
            }
        } finally {
            process.destroyForcibly();
        }
        return new CliRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void missingCommandIsASpawnErrorNamingThePath() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("ghost.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: ghost}
                spec:
                  command: ["/nonexistent/ghostd", "--flag"]
                  startRetries: 0
                """);
        String backoff = daemon.awaitLineAfter(skip, "ghost: BACKOFF");
        assertTrue(backoff.contains("/nonexistent/ghostd"), backoff);
        daemon.awaitLineAfter(skip, "ghost: FATAL");
    }

    /**
     * A command that exists but cannot be executed (its interpreter is missing) fails in posix_spawn itself,
     * after the output pipes were created and handed to the pipe reader: every retry must leave no
     * descriptor behind. Its own daemon, so no other program's pipes come and go meanwhile.
     */
    @Test
    void failedSpawnsLeaveNoPipeOpenInTheDaemon() throws Exception {
        Path dir = Files.createDirectories(root.resolve("spawn-fails"));
        Path script = dir.resolve("orphan.sh");
        Files.writeString(script, "#!/nonexistent/interpreter\necho never\n");
        script.toFile().setExecutable(true);
        try (DaemonProcess own = DaemonProcess.start(dir, "EngineIT-spawn-fails")) {
            own.awaitLine("listening on unix socket"); // fully up: nothing of its own opens pipes after this
            long baseline = pipesOf(own.pid());
            own.writeManifest("orphan.yaml", """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: orphan}
                    spec:
                      command: ["%s"]
                      startRetries: 2
                    """.formatted(script));
            String backoff = own.awaitLine("orphan: BACKOFF");
            assertTrue(backoff.contains(script + ": its interpreter /nonexistent/interpreter (from its #! line) does not exist"),
                    backoff);
            own.awaitLine("orphan: FATAL");
            await("the daemon's pipes after three failed spawns").atMost(DaemonProcess.PATIENCE)
                    .until(() -> pipesOf(own.pid()) == baseline);
        }
    }

    private static long pipesOf(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void stopSignalIsHonouredAndSigkillFollowsTheTimeout() throws IOException {
        int skip = daemon.lineCount();
        // "polite" exits on USR1; "stubborn" ignores TERM and must be killed after 1 s.
        daemon.writeManifest("signals.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: polite}
                spec:
                  command: ["/bin/sh", "-c", "trap 'echo usr1 > %1$s/polite.got; exit 0' USR1; echo $$ > %1$s/polite.pid; while true; do sleep 0.1; done"]
                  startSeconds: 0
                  stopSignal: USR1
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: stubborn}
                spec:
                  command: ["/bin/sh", "-c", "trap '' TERM; echo $$ > %1$s/stubborn.pid; while true; do sleep 0.1; done"]
                  startSeconds: 0
                  stopTimeoutSeconds: 1
                """.formatted(marks));
        long polite = daemon.awaitRunning("polite", skip);
        long stubborn = daemon.awaitRunning("stubborn", skip);
        int beforeDelete = daemon.lineCount();
        daemon.deleteManifest("signals.yaml");
        daemon.awaitLineAfter(beforeDelete, "polite: STOPPED (exit status 0)");
        assertEquals("usr1", Files.readString(marks.resolve("polite.got")).trim());
        daemon.awaitLineAfter(beforeDelete, "stubborn: STOPPING (still running 1 s after the stop signal; sent SIGKILL)");
        daemon.awaitLineAfter(beforeDelete, "stubborn: STOPPED (terminated by SIGKILL)");
        Processes.awaitDead(polite);
        Processes.awaitDead(stubborn);
    }

    @Test
    void stopAsGroupKillsTheChildsOwnChildren() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("family.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: family}
                spec:
                  command: ["/bin/sh", "-c", "sleep 1000 & echo $! > %1$s/grandchild.pid; wait"]
                  startSeconds: 0
                  stopAsGroup: true
                """.formatted(marks));
        long pid = daemon.awaitRunning("family", skip);
        long grandchild = Processes.awaitPidFile(marks.resolve("grandchild.pid"));
        assertTrue(Processes.alive(grandchild));
        int beforeDelete = daemon.lineCount();
        daemon.deleteManifest("family.yaml");
        daemon.awaitLineAfter(beforeDelete, "family: STOPPED");
        try {
            Processes.awaitDead(pid);
            Processes.awaitDead(grandchild);
        } finally {
            Processes.kill(grandchild);
        }
    }

    @Test
    void stopAsGroupWaitsForAGrandchildThatIgnoresTheStopSignalAndKillsItAtTheTimeout() throws Exception {
        // supervisord says STOPPED as soon as bash has died of SIGTERM, and the grandchild runs on for ever.
        int skip = daemon.lineCount();
        daemon.writeManifest("kin.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: kin}
                spec:
                  command: ["/bin/bash", "-c", "(trap '' TERM; echo $BASHPID > %1$s/kin.tmp && mv %1$s/kin.tmp %1$s/kin.pid; exec sleep 1000) & wait"]
                  startSeconds: 0
                  stopAsGroup: true
                  stopTimeoutSeconds: 5
                """.formatted(marks));
        long pid = daemon.awaitRunning("kin", skip);
        long grandchild = Processes.awaitPidFile(marks.resolve("kin.pid"));
        try {
            int beforeStop = daemon.lineCount();
            long asked = System.nanoTime();
            CompletableFuture<CliRun> stop = CompletableFuture.supplyAsync(() -> {
                try {
                    return steward("stop", "kin");
                } catch (IOException | InterruptedException e) {
                    throw new CompletionException(e);
                }
            });
            daemon.awaitLineAfter(beforeStop, "kin: STOPPING (its process (pid " + pid + ") has exited (terminated by SIGTERM);"
                    + " waiting for the rest of its process group (pgid " + pid + ")");
            assertFalse(Processes.alive(pid));
            assertTrue(Processes.alive(grandchild), "it ignores SIGTERM");
            CliRun status = steward("status", "kin");
            assertTrue(status.out().contains("STOPPING") && status.out().contains("waiting for the rest of its process group"),
                    status.toString());

            CliRun stopped = stop.get(60, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            assertFalse(Processes.alive(grandchild), "killed before STOPPED was said");
            assertTrue(stopped.out().contains("kin: stopped (terminated by SIGTERM)"), stopped.toString());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) >= 0 && took.compareTo(Duration.ofSeconds(25)) < 0, "took " + took);
            List<String> lines = daemon.linesAfter(beforeStop);
            int killed = indexOf(lines, "kin: STOPPING (its process group " + pid + " still has processes 5 s after the stop signal;"
                    + " sent SIGKILL to its process group)");
            int stoppedLine = indexOf(lines, "kin: STOPPED (terminated by SIGTERM; the rest of its process group took SIGKILL)");
            assertTrue(killed >= 0 && killed < stoppedLine, String.join("\n", lines));
        } finally {
            Processes.kill(grandchild);
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

    @Test
    void aChildStartsWithDefaultSignalsAnEmptyMaskNoOtherDescriptorsAndItsOwnProcessGroup() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("pristine.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: pristine}
                spec:
                  command: ["sleep", "1000"]
                  startSeconds: 0
                """);
        long pid = daemon.awaitRunning("pristine", skip);
        Path proc = Path.of("/proc", Long.toString(pid));
        String status = Files.readString(proc.resolve("status"));
        // glibc's posix_spawn left its internal signals 32 and 33 ignored (SigIgn 0000000180000000)
        assertTrue(status.contains("\nSigIgn:\t0000000000000000\n"), status);
        assertTrue(status.contains("\nSigBlk:\t0000000000000000\n"), status);
        Set<String> fds = new HashSet<>();
        try (var list = Files.list(proc.resolve("fd"))) {
            list.forEach(fd -> fds.add(fd.getFileName().toString()));
        }
        assertEquals(Set.of("0", "1", "2"), fds, "the daemon's own descriptors stay with it");
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(proc.resolve("fd/0")));
        String stat = Files.readString(proc.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(Long.toString(pid), fields[2], "it leads its own process group: " + stat);
        daemon.deleteManifest("pristine.yaml");
        Processes.awaitDead(pid);
    }

    @Test
    void exitIsSeenWhileAGrandchildStillHoldsStdout() throws IOException {
        int skip = daemon.lineCount();
        daemon.writeManifest("leaky.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: leaky}
                spec:
                  command: ["/bin/sh", "-c", "sleep 1000 & echo $! > %1$s/leaky-grandchild.pid; exit 3"]
                  startSeconds: 0
                  restartPolicy: Never
                """.formatted(marks));
        long grandchild = Processes.awaitPidFile(marks.resolve("leaky-grandchild.pid"));
        try {
            daemon.awaitLineAfter(skip, "leaky: EXITED (exit status 3; not expected)");
            assertTrue(Processes.alive(grandchild), "the grandchild still holds the pipe");
        } finally {
            Processes.kill(grandchild);
        }
    }

    @Test
    void hundredMebibytesOfStdoutArriveIntactInRotatedFiles() throws Exception {
        int skip = daemon.lineCount();
        Path data = marks.resolve("bulk.data");
        daemon.writeManifest("bulk.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: bulk}
                spec:
                  command: ["/bin/sh", "-c", "head -c 104857599 /dev/urandom > %s && echo >> %s && cat %s"]
                  startSeconds: 0
                  restartPolicy: Never
                  logs:
                    stdout: {maxBytes: 8Mi, backups: 20}
                """.formatted(data, data, data)); // ended by a line break, as a run's unfinished last line gets one
        daemon.awaitLineAfter(skip, "bulk: EXITED (exit status 0; expected)");
        Path log = daemon.stateDir.resolve("logs/bulk.out.log");
        long expected = Files.size(data);
        await("all bytes in the log files").atMost(DaemonProcess.PATIENCE).until(() -> totalSize(log) == expected);
        try (var digest = new java.security.DigestInputStream(Files.newInputStream(data), java.security.MessageDigest.getInstance("SHA-256"))) {
            digest.transferTo(java.io.OutputStream.nullOutputStream());
            var logged = java.security.MessageDigest.getInstance("SHA-256");
            for (Path part : logParts(log)) {
                logged.update(Files.readAllBytes(part));
            }
            assertEquals(java.util.HexFormat.of().formatHex(digest.getMessageDigest().digest()),
                    java.util.HexFormat.of().formatHex(logged.digest()));
        }
        // Rotated at a line's end (random bytes hold a newline every 256 on average): within 16 KiB of maxBytes
        byte[] backup = Files.readAllBytes(log.resolveSibling("bulk.out.log.1"));
        assertTrue(Math.abs(backup.length - 8L * 1024 * 1024) <= 16 * 1024, "bulk.out.log.1: " + backup.length);
        assertEquals('\n', backup[backup.length - 1], "bulk.out.log.1 ends at a line's end");
        Files.delete(data);
    }

    /** Oldest first: file.N ... file.1, then file. */
    static List<Path> logParts(Path log) {
        List<Path> parts = new java.util.ArrayList<>();
        for (int i = 50; i >= 1; i--) {
            Path part = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(part)) {
                parts.add(part);
            }
        }
        parts.add(log);
        return parts;
    }

    static long totalSize(Path log) throws IOException {
        long total = 0;
        for (Path part : logParts(log)) {
            if (Files.exists(part)) {
                total += Files.size(part);
            }
        }
        return total;
    }

    @Test
    void directoryUmaskAndRedirectedStderrApply() throws IOException {
        int skip = daemon.lineCount();
        Path workdir = Files.createDirectories(root.resolve("workdir"));
        daemon.writeManifest("shaped.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: shaped}
                spec:
                  command: ["/bin/sh", "-c", "touch made-here; pwd; echo oops >&2; exec sleep 1000"]
                  directory: %s
                  umask: "077"
                  startSeconds: 0
                  logs:
                    redirectStderr: true
                """.formatted(workdir));
        daemon.awaitRunning("shaped", skip);
        Path made = workdir.resolve("made-here");
        await("file created by the child").atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(made));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        Path log = daemon.stateDir.resolve("logs/shaped.out.log");
        await("stdout and stderr in one log").atMost(DaemonProcess.PATIENCE)
                .until(() -> Files.exists(log) && Files.readString(log).contains("oops"));
        assertTrue(Files.readString(log).contains(workdir.toString()));
        assertFalse(Files.exists(daemon.stateDir.resolve("logs/shaped.err.log")));
    }

    /**
     * With {@code spec.user}, the user enters {@code spec.directory} after the switch, as under supervisord: a directory
     * it may not enter fails the start (127, the reason in its stderr log), where root's chdir ran the program there.
     */
    @Test
    void aSwitchedUserEntersTheWorkingDirectoryItselfAndOneItMayNotEnterFailsTheStart(@TempDir Path own) throws IOException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "the daemon runs as root: it may switch users");
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx--x--x"));
        Path open = Files.createDirectories(own.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path closed = Files.createDirectories(own.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        String manifest = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: %s}
                spec:
                  command: ["/bin/sh", "-c", "exec sleep 1000"]
                  user: nobody
                  directory: %s
                  startRetries: 0
                """;
        int skip = daemon.lineCount();
        daemon.writeManifest("nobody-open.yaml", manifest.formatted("nobody-open", open));
        daemon.writeManifest("nobody-closed.yaml", manifest.formatted("nobody-closed", closed));

        long pid = daemon.awaitRunning("nobody-open", skip);
        assertEquals(open.toRealPath(), Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        daemon.awaitLineAfter(skip, "nobody-closed: FATAL");
        Path err = daemon.stateDir.resolve("logs/nobody-closed.err.log");
        await("the reason in " + err).atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(err)
                && Files.readString(err).contains("steward: user nobody cannot enter the working directory " + closed));
        assertFalse(daemon.linesAfter(skip).stream().anyMatch(line -> line.contains("nobody-closed: RUNNING")));
        daemon.deleteManifest("nobody-open.yaml");
        daemon.deleteManifest("nobody-closed.yaml");
        daemon.awaitLineAfter(skip, "nobody-open: STOPPED");
    }

    @Test
    void hereIsTheWatchedDirectoryForAFileLinkedIntoAConfigMapsHiddenDirectory() throws IOException {
        int skip = daemon.lineCount();
        // A Kubernetes ConfigMap's volume: each file a link into ..data, itself a link to a directory of the version
        Path version = Files.createDirectories(daemon.manifests.resolve("..2026_01_01_00_00_00.1"));
        Files.createSymbolicLink(daemon.manifests.resolve("..data"), version.getFileName());
        Files.writeString(version.resolve("here.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: here}
                spec:
                  command: ["/bin/sh", "-c", "echo \\"$0 $CONF $(pwd)\\"; exec sleep 1000", "%(here)s/bin/app"]
                  directory: "%(here)s"
                  environment: {CONF: "%(here)s/conf.d"}
                  startSeconds: 0
                  logs: {stdout: {file: "%(here)s/../here.out.log"}}
                """);
        Files.createSymbolicLink(daemon.manifests.resolve("here.yaml"), Path.of("..data", "here.yaml"));

        long pid = daemon.awaitRunning("here", skip);

        String here = daemon.manifests.toString();
        assertEquals(here + "/conf.d", Processes.environment(pid, "CONF").orElseThrow());
        Path log = root.resolve("here.out.log");
        await("the child's line in its log").atMost(DaemonProcess.PATIENCE)
                .until(() -> Files.exists(log) && Files.readString(log).endsWith("\n"));
        // pwd is the kernel's name for the working directory: the watched one, through whatever links lead to it
        assertEquals(here + "/bin/app " + here + "/conf.d " + daemon.manifests.toRealPath() + "\n", Files.readString(log));
    }

    @Test
    void editorTempFilesAreIgnored() throws IOException {
        int skip = daemon.lineCount();
        Files.writeString(daemon.manifests.resolve(".swap.yaml.swp"), "garbage: [");
        Files.writeString(daemon.manifests.resolve("notes.txt"), "garbage: [");
        daemon.writeManifest("marker.yaml", sleeper("marker", ""));
        daemon.awaitRunning("marker", skip);
        Set<String> complaints = new HashSet<>();
        daemon.linesAfter(skip).stream()
                .filter(l -> l.contains("swap") || l.contains("notes.txt")).forEach(complaints::add);
        assertTrue(complaints.isEmpty(), complaints.toString());
        // A stack frame, not the word: a warning may name the JDK's exception, as a log file's does.
        assertFalse(daemon.lines().stream().anyMatch(l -> Pattern.compile("^\\s+at [\\w.$]+\\(").matcher(l).find()),
                "no stack traces in the daemon's output");
    }
}
