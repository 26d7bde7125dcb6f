package dev.steward.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The signals an operator or a tool sends a supervisor besides TERM: USR2 (logrotate's, for supervisord) and USR1
 * reopen the log files, HUP (a service manager's reload) reads the manifests again. None of them stops anything.
 * The daemon re-lists its directory only every hour here, so what HUP reads is not the periodic re-list's doing.
 */
class SignalsIT {
    @TempDir
    static Path root;
    static DaemonProcess daemon;

    @BeforeAll
    static void startDaemon() throws IOException {
        Path manifests = root.resolve("manifests");
        Path state = root.resolve("state");
        // As bin/steward runs it: HotSpot's own suspend signal moved off USR2, which the daemon then has for itself.
        // STEWARD_TOKEN: the API's secret, which the children must not inherit either.
        daemon = DaemonProcess.launch(List.of("env", "_JAVA_SR_SIGNUM=39", "STEWARD_TOKEN=signals-it-secret"),
                List.of("-Dsteward.resync=1h"), manifests, state,
                "SignalsIT",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"));
        daemon.awaitLine("watching ");
    }

    @AfterAll
    static void stopDaemon() throws InterruptedException {
        daemon.close();
    }

    private static void send(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(daemon.pid())).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }

    @Test
    void usr2AndUsr1ReopenTheLogFilesThatLogrotateMovedAway() throws Exception {
        daemon.writeManifest("ticker.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: ticker}
                spec:
                  command: ["/bin/sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done"]
                  startSeconds: 0
                """);
        Path log = daemon.stateDir.resolve("logs/ticker.out.log");
        for (String signal : List.of("USR2", "USR1")) {
            await("output in " + log).atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(log) && Files.size(log) > 0);
            Path rotated = log.resolveSibling("ticker.out.log." + signal);
            Files.move(log, rotated); // what logrotate does, before it signals the daemon
            int skip = daemon.lineCount();

            send(signal);

            daemon.awaitLineAfter(skip, "SIG" + signal + ": reopening the log files");
            await("new output in a new " + log).atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(log)
                    && Files.readString(log).startsWith("tick "));
            assertTrue(daemon.process().isAlive());
            String old = Files.readString(rotated);
            String now = Files.readString(log);
            int lastOld = Integer.parseInt(old.substring(old.lastIndexOf("tick ", old.length() - 2) + 5).strip());
            int firstNew = Integer.parseInt(now.substring(5, now.indexOf('\n')).strip());
            assertEquals(lastOld + 1, firstNew, "no line lost or repeated between the two files");
        }
    }

    @Test
    void hupReadsTheManifestsAgainAndRestartsOnlyWhatChanged() throws Exception {
        // A manifest linked from elsewhere: an edit of its target happens outside the watched directory.
        Path outside = Files.createDirectories(root.resolve("outside"));
        Path target = outside.resolve("linked.yaml");
        Files.writeString(target, program("linked", "1"));
        daemon.writeManifest("steady.yaml", program("steady", "1"));
        int skip = daemon.lineCount();
        Files.createSymbolicLink(daemon.manifests.resolve("linked.yaml"), target);
        long linked = daemon.awaitRunning("linked", skip);
        long steady = daemon.awaitRunning("steady", 0);

        Files.writeString(target, program("linked", "2"));
        int beforeHup = daemon.lineCount();
        send("HUP");

        daemon.awaitLineAfter(beforeHup, "SIGHUP: reading the manifest directory again");
        long relaunched = daemon.awaitRunning("linked", beforeHup);
        assertTrue(relaunched != linked, "the changed program restarted");
        assertEquals("2", Processes.environment(relaunched, "VERSION").orElseThrow());
        assertTrue(Processes.alive(steady), "the unchanged one runs on");
        assertEquals(java.util.Optional.empty(), Processes.environment(steady, "_JAVA_SR_SIGNUM"), "the JVM's setting is not the children's");
        assertEquals(java.util.Optional.empty(), Processes.environment(steady, "STEWARD_TOKEN"), "nor is the API's token");
        assertEquals("2", Processes.environment(relaunched, "VERSION").orElseThrow(), "(their environment is there)");
        assertTrue(daemon.linesAfter(beforeHup).stream().noneMatch(line -> line.contains("steady:")), () -> String.join("\n",
                daemon.linesAfter(beforeHup)));
        assertTrue(daemon.process().isAlive());
    }

    @Test
    void signalsTheDaemonWasStartedWithIgnoredAreTakenBack(@TempDir Path own) throws Exception {
        // nohup leaves HUP ignored, and a signal ignored at the JVM's start got no handler: HUP did nothing.
        Path manifests = own.resolve("manifests");
        Path state = own.resolve("state");
        try (DaemonProcess nohup = DaemonProcess.launch(List.of("nohup"), List.of(), manifests, state, "SignalsIT-nohup",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"))) {
            nohup.awaitLine("watching ");
            int before = nohup.lineCount();
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(nohup.pid())).inheritIO().start();
            assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
            nohup.awaitLineAfter(before, "SIGHUP: reading the manifest directory again");
            assertTrue(nohup.process().isAlive());
            assertEquals(0, nohup.terminate());
        }
    }

    @Test
    void anIntIgnoredByAScriptsBackgroundJobStillStopsTheDaemon(@TempDir Path own) throws Exception {
        // A non-interactive shell starts a `&` job with INT ignored: taken back, INT stops the daemon as it would have.
        Path manifests = own.resolve("manifests");
        Path state = own.resolve("state");
        try (DaemonProcess job = DaemonProcess.launch(List.of("sh", "-c", "trap '' INT; exec \"$0\" \"$@\""), List.of(),
                manifests, state, "SignalsIT-int-ignored",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"))) {
            job.awaitLine("listening on unix socket");
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(job.pid())).inheritIO().start();
            assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
            assertTrue(job.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "INT did not stop it");
            assertEquals(0, job.process().exitValue());
        }
    }

    @Test
    void hupWhileTheDaemonShutsDownReopensTheLogsAndSaysThatNothingIsReadAgain(@TempDir Path own) throws Exception {
        Path manifests = own.resolve("manifests");
        Path state = own.resolve("state");
        try (DaemonProcess stopping = DaemonProcess.launch(List.of(), List.of(), manifests, state, "SignalsIT-hup-stopping",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"))) {
            stopping.awaitLine("watching ");
            stopping.writeManifest("deaf.yaml", """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: deaf}
                    spec:
                      command: ["/bin/sh", "-c", "trap '' TERM; exec sleep 1000"]
                      startSeconds: 0
                      stopTimeoutSeconds: 5
                    """);
            stopping.awaitRunning("deaf", 0);
            Process term = new ProcessBuilder("kill", "-TERM", Long.toString(stopping.pid())).inheritIO().start();
            assertTrue(term.waitFor(30, TimeUnit.SECONDS));
            stopping.awaitLine("deaf: STOPPING");
            int before = stopping.lineCount();

            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(stopping.pid())).inheritIO().start();
            assertTrue(hup.waitFor(30, TimeUnit.SECONDS));

            stopping.awaitLineAfter(before, "SIGHUP: reopening the log files; the daemon is shutting down, so the manifest"
                    + " directory is not read again");
            assertTrue(stopping.linesAfter(before).stream().noneMatch(line -> line.contains("send TERM")),
                    () -> String.join("\n", stopping.linesAfter(before)));
            assertTrue(stopping.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, stopping.process().exitValue());
        }
    }

    private static String program(String name, String version) {
        return """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: %s}
                spec:
                  command: ["sleep", "1000"]
                  environment: {VERSION: "%s"}
                  startSeconds: 0
                """.formatted(name, version);
    }
}
