package dev.steward.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real command-line client ({@code bin/steward}, which runs {@code dev.steward.cli.StewardCli}
 * from the packaged jars) against a real daemon on a port picked here: every verb, every output
 * format, the exit codes. Each test uses its own program names; the daemon's children are killed by
 * pid at the end, and so is any client left streaming.
 */
class CliIT {
    @TempDir
    static Path root;
    static DaemonProcess daemon;
    static String server;
    static Path files;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    @BeforeAll
    static void startDaemon() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        daemon = DaemonProcess.start(root, "CliIT", "127.0.0.1:" + port);
        server = "http://127.0.0.1:" + port;
        files = Files.createDirectories(root.resolve("client"));
        // the HTTP server comes up with the daemon; wait until the API answers at all
        await("the daemon's API").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> cli("get", "programs").code() != 3);
    }

    @AfterAll
    static void stopDaemon() throws InterruptedException {
        daemon.close();
    }

    // ---- running the client ----

    static List<String> command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of("bin", "steward").toAbsolutePath().toString());
        command.add("--server");
        command.add(server);
        command.addAll(args);
        return command;
    }

    static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(files.toFile());
        Map<String, String> env = builder.environment();
        env.remove("STEWARD_SERVER");
        env.remove("STEWARD_TOKEN");
        // The daemon is reached over TCP (--server), which needs its token: the client reads it from the state directory.
        env.put("STEWARD_STATE_DIR", daemon.stateDir.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }

    /** Runs {@code bin/steward --server <daemon> args...} to the end. */
    static Run cli(String... args) throws IOException, InterruptedException {
        return run(command(List.of(args)), "");
    }

    static Run cliIn(String stdin, String... args) throws IOException, InterruptedException {
        return run(command(List.of(args)), stdin);
    }

    static Run run(List<String> command, String stdin) throws IOException, InterruptedException {
        return run(builder(command), stdin);
    }

    /** Runs {@code builder}, as made by {@link #builder} and changed, to the end. */
    static Run run(ProcessBuilder builder) throws IOException, InterruptedException {
        return run(builder, "");
    }

    private static Run run(ProcessBuilder builder, String stdin) throws IOException, InterruptedException {
        List<String> command = builder.command();
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        Path in = Files.writeString(Files.createTempFile(root, "in", ".txt"), stdin);
        Process process = builder.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("the client did not finish: " + command);
            }
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A client that keeps running (logs -f, get -w): its output file, to watch; destroy it when done. */
    record Streaming(Process process, Path out, Path err) implements AutoCloseable {
        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** Waits until the output contains {@code text}; on timeout, fails with everything the client printed. */
        void awaitOutput(String text, String what) throws IOException {
            try {
                await(what).atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(100))
                        .until(() -> output().contains(text));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(what + ": no \"" + text + "\" (client " + (process.isAlive() ? "running" : "exited "
                        + process.exitValue()) + ")\n--- stdout ---\n" + output() + "\n--- stderr ---\n"
                        + Files.readString(err, StandardCharsets.UTF_8), e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    static Streaming stream(String... args) throws IOException {
        Path out = Files.createTempFile(root, "stream", ".txt");
        Path err = Files.createTempFile(root, "stream", ".err");
        Process process = builder(command(List.of(args))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Streaming(process, out, err);
    }

    static Path manifest(String file, String yaml) throws IOException {
        return Files.writeString(files.resolve(file), yaml);
    }

    /** A program that prints a numbered line a second (stdout) and one line on stderr, and sleeps. */
    static String talker(String name, int replicas, String label) {
        return """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: %s
                  labels: {app: %s}
                spec:
                  command: ["/bin/sh", "-c", "echo to-stderr >&2; i=0; while true; do i=$((i+1)); echo line $i; sleep 1; done"]
                  replicas: %d
                  startSeconds: 0
                  stopTimeoutSeconds: 2
                """.formatted(name, label, replicas);
    }

    static void awaitRunning(String selector, int count) {
        await("%d RUNNING processes for %s".formatted(count, selector)).atMost(DaemonProcess.PATIENCE)
                .pollInterval(Duration.ofMillis(300)).until(() -> {
                    Run r = cli("get", "processes", "-l", selector, "-o", "name");
                    Run status = cli("status", "-l", selector);
                    return r.code() == 0 && r.out().lines().count() == count
                            && status.out().lines().filter(l -> l.contains(" RUNNING ")).count() == count;
                });
    }

    // ---- the verbs ----

    @Test
    void applyGetDescribeDelete() throws Exception {
        Path file = manifest("cli-web.yaml", talker("cli-web", 2, "cli-web"));
        Run apply = cli("apply", "-f", file.toString());
        assertEquals(0, apply.code(), apply::toString);
        assertEquals("program/cli-web created\n", apply.out());
        awaitRunning("app=cli-web", 2);

        Run again = cli("apply", "-f", file.toString());
        assertEquals("program/cli-web unchanged\n", again.out(), again::toString);

        Run programs = cli("get", "programs", "-l", "app=cli-web");
        assertEquals(0, programs.code(), programs::toString);
        List<String> lines = programs.out().lines().toList();
        assertTrue(lines.get(0).matches("NAME +READY +UP-TO-DATE +STATUS +RESTARTS +AGE"), programs::toString);
        assertTrue(lines.get(1).matches("cli-web +2/2 +2 +RUNNING +0 +\\S+"), programs::toString);

        Run processes = cli("get", "processes", "-l", "app=cli-web", "-o", "wide");
        assertTrue(processes.out().lines().toList().get(0).matches("NAME +READY +STATUS +RESTARTS +AGE +PID +PROGRAM +LAST EXIT"), processes::toString);
        assertTrue(processes.out().contains("cli-web-0") && processes.out().contains("cli-web-1"), processes::toString);

        Run json = cli("get", "processes", "-l", "app=cli-web", "-o", "json");
        assertEquals(0, json.code(), json::toString);
        assertTrue(json.out().startsWith("{\n  \"items\": ["), json::toString);
        for (String field : List.of("\"name\": \"cli-web-0\"", "\"program\": \"cli-web\"", "\"state\": \"RUNNING\"", "\"pid\": ", "\"restarts\": 0", "\"lastExit\": ")) {
            assertTrue(json.out().contains(field), () -> field + " in " + json.out());
        }
        Run one = cli("get", "process", "cli-web-1", "-o", "yaml");
        assertTrue(one.out().startsWith("name: cli-web-1\nprogram: cli-web\n"), one::toString);
        Run yaml = cli("get", "programs", "-l", "app=cli-web", "-o", "yaml");
        assertTrue(yaml.out().startsWith("items:\n- name: cli-web\n"), yaml::toString);
        Run names = cli("get", "processes", "-l", "app=cli-web", "-o", "name");
        assertEquals("process/cli-web-0\nprocess/cli-web-1\n", names.out());

        Run describe = cli("describe", "program", "cli-web");
        assertEquals(0, describe.code(), describe::toString);
        assertTrue(describe.out().startsWith("Name:"), describe::toString);
        assertTrue(describe.out().contains("  cli-web-0:\n    State:"), describe::toString);
        assertTrue(describe.out().contains("Restart Count:"), describe::toString);
        assertTrue(describe.out().contains("\nEvents:\n  Type "), describe::toString);
        Run describeProcess = cli("describe", "process", "cli-web-0");
        assertTrue(describeProcess.out().contains("Program:") && describeProcess.out().contains("Events:"), describeProcess::toString);
        assertTrue(describeProcess.out().contains("\nCommand:          /bin/sh -c 'echo to-stderr >&2; i=0; while true; do"),
                describeProcess::toString);

        Run delete = cli("delete", "program", "cli-web");
        assertEquals(0, delete.code(), delete::toString);
        assertEquals("program \"cli-web\" deleted\n", delete.out());
        await().atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(300))
                .until(() -> cli("get", "program", "cli-web").code() == 1);
        Run gone = cli("get", "program", "cli-web");
        assertTrue(gone.err().startsWith("error: "), gone::toString);
        assertEquals("", gone.out());
    }

    @Test
    void statusAndActionsLikeSupervisorctl() throws Exception {
        cli("apply", "-f", manifest("cli-act.yaml", talker("cli-act", 1, "cli-act")).toString());
        awaitRunning("app=cli-act", 1);

        Run status = cli("status", "cli-act");
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().matches("cli-act {26}RUNNING   pid \\d+, uptime \\d+:\\d\\d:\\d\\d\n"), status::toString);

        Run stop = cli("stop", "cli-act");
        assertEquals(0, stop.code(), stop::toString);
        assertTrue(stop.out().startsWith("cli-act: "), stop::toString);
        Run stopped = cli("status", "cli-act");
        assertTrue(stopped.out().contains(" STOPPED "), stopped::toString);
        assertEquals(3, stopped.code(), "supervisorctl's exit code for a process not running; " + stopped);

        Run start = cli("start", "-l", "app=cli-act");
        assertEquals(0, start.code(), start::toString);
        assertTrue(start.out().startsWith("cli-act: "), start::toString);
        assertTrue(cli("status", "cli-act").out().contains(" RUNNING "));

        Run restart = cli("restart", "cli-act");
        assertEquals(0, restart.code(), restart::toString);
        Run signal = cli("signal", "HUP", "cli-act");
        assertEquals(0, signal.code(), signal::toString);
        assertTrue(signal.out().startsWith("cli-act: "), signal::toString);

        Run unknown = cli("stop", "no-such-program");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().startsWith("error: "), unknown::toString);
        Run unknownStatus = cli("status", "no-such-program");
        assertEquals(4, unknownStatus.code(), unknownStatus::toString);
        assertEquals("no-such-program: ERROR (no such process)\n", unknownStatus.out());
        Run badSignal = cli("signal", "NOPE", "cli-act");
        assertEquals(2, badSignal.code(), badSignal::toString);
        cli("delete", "program", "cli-act");
    }

    /** Stopped by kill -STOP, it acts on its TERM once continued, as under systemd, not SIGKILL after its stop timeout. */
    @Test
    void stopContinuesAProcessStoppedByJobControl() throws Exception {
        Path pidFile = files.resolve("cli-paused.pid");
        Path sleepFile = files.resolve("cli-paused.sleep");
        Path termed = files.resolve("cli-paused.term");
        cli("apply", "-f", manifest("cli-paused.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: cli-paused
                  labels: {app: cli-paused}
                spec:
                  command: ["/bin/sh", "-c", "trap 'echo > %s; exit 0' TERM; sleep 1000 & echo $! > %s; echo $$ > %s; wait"]
                  startSeconds: 0
                  stopTimeoutSeconds: 60
                  stopAsGroup: true
                """.formatted(termed, sleepFile, pidFile)).toString());
        long pid = Processes.awaitPidFile(pidFile);
        long sleep = Processes.awaitPidFile(sleepFile);
        try {
            awaitRunning("app=cli-paused", 1);
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor());
            await("kill -STOP").atMost(DaemonProcess.PATIENCE).until(() -> Processes.stopped(pid));

            Run stop = cli("stop", "cli-paused", "--timeout", "30");

            assertEquals(0, stop.code(), stop::toString);
            assertEquals("cli-paused: stopped (exit status 0)\n", stop.out(), "by its TERM trap, not by SIGKILL");
            Processes.awaitDead(pid);
            assertTrue(Files.exists(termed), "its TERM trap ran");
        } finally {
            Processes.kill(pid);
            Processes.kill(sleep);
            cli("delete", "program", "cli-paused");
        }
    }

    @Test
    void logsTailAndFollow() throws Exception {
        cli("apply", "-f", manifest("cli-log.yaml", talker("cli-log", 1, "cli-log")).toString());
        awaitRunning("app=cli-log", 1);
        await().atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(300))
                .until(() -> cli("logs", "cli-log").out().contains("line 3\n"));
        Run tail = cli("logs", "cli-log", "--tail", "2");
        assertEquals(0, tail.code(), tail::toString);
        assertEquals(2, tail.out().lines().count(), tail::toString);
        assertTrue(tail.out().lines().allMatch(l -> l.matches("line \\d+")), tail::toString);
        Run stderr = cli("logs", "cli-log", "--stderr");
        assertEquals("to-stderr\n", stderr.out(), stderr::toString);

        int last = Integer.parseInt(tail.out().lines().reduce((a, b) -> b).orElseThrow().substring(5));
        try (Streaming follow = stream("logs", "cli-log", "-f", "--tail", "1")) {
            await("logs -f shows new lines").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> follow.output().contains("line " + (last + 2) + "\n"));
            assertTrue(follow.process().isAlive());
        }
        Run none = cli("logs", "cli-log", "-p");
        assertEquals(1, none.code(), none::toString);
        assertTrue(none.err().contains("process cli-log has no previous run"), none::toString);
        Run restart = cli("restart", "cli-log");
        assertEquals(0, restart.code(), restart::toString);
        Run previous = cli("logs", "cli-log", "--previous");
        assertEquals(0, previous.code(), previous::toString);
        assertTrue(previous.out().startsWith("line 1\n") && previous.out().contains("line " + (last + 2) + "\n"), previous::toString);
        assertEquals("to-stderr\n", cli("logs", "cli-log", "-p", "--stderr").out());
        await("the new run's first line").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> cli("logs", "cli-log").out().equals(previous.out() + "line 1\n")
                        || cli("logs", "cli-log").out().startsWith(previous.out() + "line 1\nline 2\n"));
        Run missing = cli("logs", "no-such-process");
        assertEquals(1, missing.code(), missing::toString);
        cli("delete", "program", "cli-log");
    }

    @Test
    void logsOfEveryProcessASelectorPicksFollowedAtOnce() throws Exception {
        cli("apply", "-f", manifest("cli-logs-all.yaml", talker("cli-logs-all", 2, "cli-logs-all")).toString());
        awaitRunning("app=cli-logs-all", 2);
        try (Streaming follow = stream("logs", "-l", "app=cli-logs-all", "-f", "--prefix", "--tail", "0")) {
            await("both processes' new lines, each named").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> follow.output().contains("[process/cli-logs-all-0] line ")
                            && follow.output().contains("[process/cli-logs-all-1] line "));
            String seen = follow.output();
            assertTrue(seen.lines().allMatch(l -> l.matches("\\[process/cli-logs-all-[01]] line \\d+")), seen);
        }
        Run first = cli("logs", "program/cli-logs-all", "--tail", "1");
        assertEquals(0, first.code(), first::toString);
        assertTrue(first.out().matches("line \\d+\n"), first::toString);
        assertEquals("Found 2 processes, using process/cli-logs-all-0\n", first.err());
        cli("delete", "program", "cli-logs-all");
    }

    @Test
    void scaleAddsProcesses() throws Exception {
        cli("apply", "-f", manifest("cli-scale.yaml", talker("cli-scale", 1, "cli-scale")).toString());
        awaitRunning("app=cli-scale", 1);
        Run scale = cli("scale", "program", "cli-scale", "--replicas", "3");
        assertEquals(0, scale.code(), scale::toString);
        assertEquals("program/cli-scale scaled\n", scale.out());
        awaitRunning("app=cli-scale", 3);
        cli("delete", "program", "cli-scale");
    }

    @Test
    void rolloutStatusWaitsForAnEditsRollingRestartAndSaysWhereOneStops() throws Exception {
        // Each process counts as up after a second, so the rolling restart takes two: longer than the client's start.
        String web = talker("cli-roll", 2, "cli-roll").replace("startSeconds: 0", "startSeconds: 1");
        cli("apply", "-f", manifest("cli-roll.yaml", web).toString());
        awaitRunning("app=cli-roll", 2);
        // An edit of the environment restarts the processes one at a time; status waits for the last one, with no
        // wait between the apply and it: the first read has the daemon read the file just written.
        Path edited = manifest("cli-roll.yaml", web + "  environment: {EDIT: \"1\"}\n");
        Run applied = cli("apply", "-f", edited.toString());
        assertEquals(0, applied.code(), applied::toString);
        Run status = cli("rollout", "status", "program/cli-roll");
        assertEquals(0, status.code(), status::toString);
        assertTrue(status.out().contains("Waiting for program \"cli-roll\" rollout to finish: "), status::toString);
        assertTrue(status.out().endsWith("program \"cli-roll\" successfully rolled out\n"), status::toString);
        String processes = cli("get", "processes", "cli-roll", "-o", "json").out();
        assertEquals(2, processes.split("\"state\": \"RUNNING\"", -1).length - 1, processes);
        assertEquals(2, processes.split("\"outdated\": false", -1).length - 1, processes);
        Run restarted = cli("rollout", "restart", "program/cli-roll");
        assertEquals(0, restarted.code(), restarted::toString);
        assertEquals("program/cli-roll restarted\n", restarted.out());

        // A change whose processes cannot come up: the rollout stops at the first, and status says which.
        Path broken = manifest("cli-roll.yaml", web.replace("echo to-stderr >&2; i=0; while true; do i=$((i+1)); echo line $i;"
                + " sleep 1; done", "exit 3") + "  startRetries: 0\n");
        cli("apply", "-f", broken.toString());
        Run stuck = cli("rollout", "status", "program", "cli-roll", "--timeout", "60");
        assertEquals(1, stuck.code(), stuck::toString);
        assertTrue(stuck.err().contains("program \"cli-roll\" rollout stopped: cli-roll-0 is FATAL"), stuck::toString);
        Run undo = cli("rollout", "undo", "program/cli-roll");
        assertEquals(2, undo.code(), undo::toString);
        assertTrue(undo.err().contains("apply the old manifest"), undo::toString);
        cli("delete", "program", "cli-roll");
    }

    @Test
    void diffDryRunAndInvalidManifests() throws Exception {
        Path file = manifest("cli-diff.yaml", talker("cli-diff", 1, "cli-diff"));
        Run dry = cli("apply", "-f", file.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry::toString);
        assertTrue(dry.out().startsWith("program/cli-diff created (dry run)"), dry::toString);
        Run before = cli("diff", "-f", file.toString());
        assertEquals(1, before.code(), before::toString);
        assertTrue(before.out().contains("+++ program/cli-diff\t" + file), before::toString);

        cli("apply", "-f", file.toString());
        awaitRunning("app=cli-diff", 1);
        Run same = cli("diff", "-f", file.toString());
        assertEquals(0, same.code(), same::toString);
        assertEquals("", same.out());

        Files.writeString(file, talker("cli-diff", 2, "cli-diff"));
        Run changed = cli("diff", "-f", file.toString());
        assertEquals(1, changed.code(), changed::toString);
        assertTrue(changed.out().contains("\n-  replicas: 1\n+  replicas: 2\n"), changed::toString);
        assertTrue(changed.err().startsWith("program/cli-diff configured: restarts nothing"), changed::toString);
        String command = talker("cli-diff", 1, "cli-diff").replace("echo to-stderr", "echo TO-STDERR");
        Files.writeString(file, command);
        Run restarts = cli("diff", "-f", file.toString());
        assertEquals(1, restarts.code(), restarts::toString);
        assertTrue(restarts.err().startsWith("program/cli-diff configured: restarts processes"), restarts::toString);

        Path bad = manifest("cli-bad.yaml", talker("cli-bad", 1, "x").replace("replicas: 1", "replicas: many"));
        Run invalid = cli("apply", "-f", bad.toString());
        assertEquals(1, invalid.code(), invalid::toString);
        assertTrue(invalid.err().startsWith("error: "), invalid::toString);
        assertTrue(invalid.err().contains("cli-bad.yaml:8:13: spec.replicas: "), invalid::toString);
        Run invalidDiff = cli("diff", "-f", bad.toString());
        assertTrue(invalidDiff.code() > 1, invalidDiff::toString);
        Run fromStdin = cliIn(talker("cli-stdin", 1, "cli-stdin"), "apply", "-f", "-", "--dry-run");
        assertEquals("program/cli-stdin created (dry run)", fromStdin.out().lines().findFirst().orElse("").replaceAll(":.*", ""), fromStdin::toString);
        cli("delete", "-f", file.toString());
    }

    @Test
    void applyOfADirectoryChecksItsFilesTogetherAndWritesAllOrNone() throws Exception {
        Path dir = Files.createDirectories(files.resolve("cli-dir"));
        Files.writeString(dir.resolve("a.yaml"), talker("cli-dir", 2, "cli-dir"));
        Files.writeString(dir.resolve("b.yaml"), talker("cli-dir-1", 1, "cli-dir"));
        Run clash = cli("apply", "-f", dir.toString());
        assertEquals(1, clash.code(), clash::toString);
        assertEquals("error: the manifests are invalid, nothing was written; fix the errors listed and apply again\n"
                + dir + "/b.yaml:4:9: metadata.name: program \"cli-dir-1\" would run a process named \"cli-dir-1\", and so"
                + " does program \"cli-dir\" in " + dir + "/a.yaml, line 4 (2 replicas: cli-dir-0, cli-dir-1); rename one of"
                + " the programs or change its replicas\n", clash.err());

        Files.writeString(dir.resolve("b.yaml"), talker("cli-dir", 1, "cli-dir"));
        Run twice = cli("apply", "-f", dir.toString());
        assertEquals(1, twice.code(), twice::toString);
        assertTrue(twice.err().contains(dir + "/b.yaml:4:9: metadata.name: program \"cli-dir\" is also defined in "
                + dir + "/a.yaml, line 4; "), twice::toString);
        assertEquals(1, cli("get", "program", "cli-dir").code(), "neither file was written");

        Files.writeString(dir.resolve("b.yaml"), talker("cli-dir-b", 1, "cli-dir"));
        Run apply = cli("apply", "-f", dir.toString());
        assertEquals(0, apply.code(), apply::toString);
        assertEquals("program/cli-dir created\nprogram/cli-dir-b created\n", apply.out());
        awaitRunning("app=cli-dir", 3);
        Run diff = cli("diff", "-f", dir.toString());
        assertEquals(0, diff.code(), diff::toString);
        assertEquals("program/cli-dir unchanged\nprogram/cli-dir-b unchanged\n", diff.err());
        cli("delete", "-f", dir.toString());
    }

    @Test
    void eventsAndWatch() throws Exception {
        cli("apply", "-f", manifest("cli-pre.yaml", talker("cli-pre", 1, "cli-pre")).toString());
        awaitRunning("app=cli-pre", 1);
        try (Streaming watch = stream("get", "events", "-w")) {
            // The events so far are listed first; from then on the watch is subscribed, and what follows
            // must arrive through the stream.
            watch.awaitOutput("process/cli-pre", "get events -w lists the events so far");
            cli("apply", "-f", manifest("cli-ev.yaml", talker("cli-ev", 1, "cli-ev")).toString());
            watch.awaitOutput("process/cli-ev", "get events -w shows the new program");
            assertTrue(watch.output().startsWith("LAST SEEN "), watch.output());
        }
        awaitRunning("app=cli-ev", 1);
        Run events = cli("get", "events", "cli-ev");
        assertEquals(0, events.code(), events::toString);
        assertTrue(events.out().lines().findFirst().orElse("").matches("LAST SEEN +TYPE +REASON +OBJECT +MESSAGE"), events::toString);
        assertTrue(events.out().lines().skip(1).allMatch(l -> l.contains("cli-ev")), events::toString);
        try (Streaming watch = stream("get", "processes", "-l", "app=cli-ev", "-w")) {
            await().atMost(DaemonProcess.PATIENCE).until(() -> watch.output().contains("RUNNING"));
            cli("stop", "cli-ev");
            watch.awaitOutput("STOPPED", "get processes -w shows the stop");
        }
        cli("delete", "program", "cli-ev");
        cli("delete", "program", "cli-pre");
    }

    @Test
    void exitCodesForUsageAndNoDaemon() throws Exception {
        Run usage = cli("get", "widgets");
        assertEquals(2, usage.code(), usage::toString);
        assertTrue(usage.err().startsWith("error: "), usage::toString);
        Run badOption = cli("get", "programs", "--frobnicate");
        assertEquals(2, badOption.code(), badOption::toString);

        int dead;
        try (ServerSocket free = new ServerSocket(0)) {
            dead = free.getLocalPort();
        }
        Run down = run(List.of(Path.of("bin", "steward").toAbsolutePath().toString(), "--server", "http://127.0.0.1:" + dead, "status"), "");
        assertEquals(4, down.code(), "status's \"unknown\", as supervisorctl's; " + down);
        assertTrue(down.err().contains("cannot reach the Steward daemon") && down.err().contains("bin/steward serve"), down::toString);

        Run version = cli("version");
        assertEquals(0, version.code(), version::toString);
        assertTrue(version.out().matches("Client Version: steward \\S+\nServer Version: steward \\S+ \\(pid \\d+, Java \\S+,"
                + " up \\w+\\)\n"), version::toString);
        Run completion = cli("completion", "bash");
        assertEquals(0, completion.code());
        assertTrue(completion.out().contains("complete -F"), completion::toString);
    }

    @Test
    void overTcpTheClientSendsTheDaemonsTokenAndWithoutItIsRefused() throws Exception {
        String launcher = Path.of("bin", "steward").toAbsolutePath().toString();
        ProcessBuilder stranger = builder(List.of(launcher, "--server", server, "get", "programs"));
        stranger.environment().put("STEWARD_STATE_DIR", root.resolve("elsewhere").toString());
        Run refused = run(stranger);
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.err().startsWith("error: a request over TCP must carry the daemon's token (Authorization: Bearer"
                + " TOKEN); the token is in " + daemon.stateDir.toAbsolutePath().resolve("token")), refused::toString);
        assertTrue(refused.err().contains("this client sent no token: set STEWARD_TOKEN, or point STEWARD_STATE_DIR at"
                + " the daemon's state directory"), refused::toString);

        ProcessBuilder withToken = builder(List.of(launcher, "--server", server, "get", "programs"));
        withToken.environment().put("STEWARD_STATE_DIR", root.resolve("elsewhere").toString());
        withToken.environment().put("STEWARD_TOKEN", Files.readString(daemon.stateDir.resolve("token")).strip());
        Run accepted = run(withToken);
        assertEquals(0, accepted.code(), accepted::toString);

        withToken.environment().put("STEWARD_TOKEN", "not-the-token");
        Run wrong = run(withToken);
        assertEquals(1, wrong.code(), wrong::toString);
        assertTrue(wrong.err().contains("does not carry this daemon's token"), wrong::toString);
    }

    @Test
    void theUnixSocketWhenTheDaemonServesOne() throws Exception {
        Path socket = daemon.stateDir.resolve("steward.sock");
        assumeTrue(Files.exists(socket), "the daemon does not serve " + socket + " (yet)");
        Run viaFlag = run(List.of(Path.of("bin", "steward").toAbsolutePath().toString(), "--server", socket.toString(), "get", "programs"), "");
        assertEquals(0, viaFlag.code(), viaFlag::toString);
        ProcessBuilder builder = builder(List.of(Path.of("bin", "steward").toAbsolutePath().toString(), "status"));
        builder.environment().put("STEWARD_STATE_DIR", daemon.stateDir.toString());
        Path out = Files.createTempFile(root, "sock", ".txt");
        Process viaStateDir = builder.redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(viaStateDir.waitFor(60, TimeUnit.SECONDS));
        // 3 when another test left a process stopped; 4 would be a socket not reached
        assertTrue(viaStateDir.exitValue() == 0 || viaStateDir.exitValue() == 3, () -> "exit " + viaStateDir.exitValue());
    }

    @Test
    void thePackagedApplicationRunsTheClientToo() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = System.getProperty("steward.jar", "target/quarkus-app/quarkus-run.jar");
        Run viaJar = run(List.of(java, "-jar", Path.of(jar).toAbsolutePath().toString(), "--server", server, "get", "programs", "-o", "json"), "");
        assertEquals(0, viaJar.code(), viaJar::toString);
        assertTrue(viaJar.out().startsWith("{\n  \"items\": ["), viaJar::toString);
        assertFalse(viaJar.err().contains("Exception"), viaJar::toString);
    }
}
