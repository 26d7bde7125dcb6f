package dev.steward.e2e;

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code serve} is configured and started: settings from system properties, and the class-data training run. */
class ServeIT {
    @TempDir
    Path root;

    @Test
    void aStateDirectoryFromASystemPropertyHoldsTheLockAndTheSocket() throws Exception {
        Path manifests = root.resolve("manifests");
        Path state = root.resolve("state");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-Dsteward.state-dir=" + state, "-Dsteward.manifests=" + manifests),
                manifests, state, "ServeIT-property", List.of("--listen", "127.0.0.1:0"))) {
            daemon.awaitLine("listening on unix socket " + state.resolve("steward.sock"));
            assertTrue(Files.exists(state.resolve("steward.sock")));
            assertTrue(Files.exists(state.resolve("steward.lock")));
            // --listen's port 0 said as the one it got, which answers
            String tcp = daemon.awaitLine("listening on http://127.0.0.1:");
            int port = Integer.parseInt(tcp.replaceAll(".*listening on http://127\\.0\\.0\\.1:(\\d+) .*", "$1"));
            assertTrue(port > 0, tcp);
            try (java.net.Socket connected = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                assertTrue(connected.isConnected());
            }
            assertEquals(0, daemon.terminate());
            // Quarkus' connection gauges, registered once per HTTP server instance, had Micrometer warn at nearly every start.
            assertTrue(daemon.lines().stream().noneMatch(l -> l.contains("WARN")), () -> String.join("\n", daemon.lines()));
        }
    }

    @Test
    void theWorkingDirectorysDotEnvNamesTheDirectoriesAndTheAddressAsTheEnvironmentWould() throws Exception {
        // Quarkus reads .env (and config/application.properties) after the environment. The engine, started before
        // Quarkus, did not: it ran ./manifests with its lock, socket and logs in ./.steward, while Quarkus made the token
        // in the state directory .env named, where the socket was not.
        Path work = Files.createDirectories(root.resolve("work"));
        Path manifests = Files.createDirectories(root.resolve("from-dotenv").resolve("manifests"));
        Path state = root.resolve("from-dotenv").resolve("state");
        Files.writeString(work.resolve(".env"), "STEWARD_MANIFESTS=" + manifests + "\nSTEWARD_STATE_DIR=" + state
                + "\nSTEWARD_LISTEN=127.0.0.1:0\n");
        try (DaemonProcess daemon = DaemonProcess.launchCommand(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", work.toString(),
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-Xmx128m",
                        "-XX:TieredStopAtLevel=1", "-jar", Path.of(DaemonProcess.jar()).toAbsolutePath().toString(), "serve"),
                java.util.Map.of(), manifests, state, "ServeIT-dotenv-settings")) {
            daemon.awaitLine("watching " + manifests + ", state in " + state);
            daemon.awaitLine("listening on unix socket " + state.resolve("steward.sock"));
            daemon.awaitLine("listening on http://127.0.0.1:"); // port 0 from .env, not the default 9001
            assertTrue(Files.isRegularFile(state.resolve("token")), "the token beside the socket");
            assertFalse(Files.exists(work.resolve(".steward")) || Files.exists(work.resolve("manifests")), work::toString);
            assertEquals(0, daemon.terminate());
            assertTrue(daemon.lines().stream().noneMatch(l -> l.contains("WARN")), () -> String.join("\n", daemon.lines()));
        }
    }

    @Test
    void aManifestDirectoryThatDoesNotExistIsCreatedWithAWarning() throws Exception {
        Path missing = root.resolve("typo").resolve("manifests");
        Path state = root.resolve("state");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of(), root.resolve("unused"), state, "ServeIT-missing",
                List.of("--manifests", missing.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"))) {
            daemon.awaitLine("the manifest directory " + missing + " did not exist: created it, empty;");
            assertTrue(Files.isDirectory(missing));
            assertEquals(0, daemon.terminate());
        }
    }

    @Test
    void underAUmaskThatLetsEveryoneWriteTheStateDirectoryItMakesIsNotWritableByOthers() throws Exception {
        // It made a rwxrwxrwx directory, then refused to start on it as one other users could write.
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Files.writeString(manifests.resolve("a.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: a}\n"
                + "spec: {command: [sh, -c, 'echo hello; touch " + marker() + "; exec sleep 1000']}\n");
        Path state = root.resolve("state");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh"), List.of(),
                manifests, state, "ServeIT-umask", List.of("--manifests", manifests.toString(), "--state-dir", state.toString(),
                        "--listen", "127.0.0.1:0"))) {
            daemon.awaitLine("listening on http://");
            assertFalse(Files.getPosixFilePermissions(state).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE),
                    () -> state + ": " + Files.exists(state));
            await("its program").atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(marker()));
            // nor the directory its log files go into, where another user could put a link in a log file's place
            Path logs = state.resolve("logs");
            await("its output in a log file").atMost(DaemonProcess.PATIENCE).until(() -> Files.isDirectory(logs));
            assertFalse(Files.getPosixFilePermissions(logs).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE),
                    logs::toString);
            Path log = logs.resolve("a.out.log");
            await("the log file").atMost(DaemonProcess.PATIENCE).until(() -> Files.exists(log));
            assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"), Files.getPosixFilePermissions(log),
                    "no user but the daemon's writes into a program's log");
            assertEquals(0, daemon.terminate());
        }
    }

    @Test
    void underAUmaskThatLetsEveryoneWriteWhatTheDaemonWritesForTheApiIsNotWritableByOthers() throws Exception {
        // Under umask 000 the manifest directory it made came out rwxrwxrwx, a manifest `apply` wrote and the operator's
        // stops rw-rw-rw-, and the directory `apply -f DIR` spools its files into rwxrwxrwx: any user could have had a
        // command of theirs run as the daemon's user (root, often), or kept a program stopped.
        Path manifests = root.resolve("made").resolve("manifests");
        Path state = root.resolve("state");
        Path sources = Files.createDirectories(root.resolve("sources"));
        Files.writeString(sources.resolve("web.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: web}\n"
                + "spec: {command: [sleep, '1000']}\n");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh"), List.of(),
                root.resolve("unused"), state, "ServeIT-umask-api", List.of("--manifests", manifests.toString(),
                        "--state-dir", state.toString(), "--listen", "127.0.0.1:0"))) {
            daemon.awaitLine("listening on unix socket");
            assertEquals("rwx------", permissions(state.resolve("uploads")), "where apply -f DIR's files are spooled");
            assertEquals(0, client(state, "apply", "-f", sources.toString()), "apply -f DIR");
            // once the watch has read what apply wrote
            await("stop web").atMost(DaemonProcess.PATIENCE).until(() -> client(state, "stop", "web") == 0);
            for (Path written : List.of(manifests, manifests.resolve("web.yaml"), state.resolve("stopped-by-hand"))) {
                String mode = permissions(written);
                assertFalse(mode.charAt(7) == 'w', () -> written + " is " + mode);
            }
            assertEquals(0, daemon.terminate());
        }
    }

    private static String permissions(Path path) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Runs {@code bin/steward} on the unix socket of the daemon with state directory {@code state}: its exit code. */
    private int client(Path state, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of("bin", "steward").toAbsolutePath().toString(),
                "--server", state.resolve("steward.sock").toString()));
        command.addAll(List.of(args));
        Path out = root.resolve("client.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().remove("STEWARD_SERVER");
        builder.environment().remove("STEWARD_TOKEN");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), () -> "the client did not finish: " + command);
        } finally {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            System.err.println(command + ":\n" + Files.readString(out));
        }
        return process.exitValue();
    }

    @Test
    void aFileGivenAsTheManifestOrStateDirectoryEndsTheStartWithWhatIsWrong() throws Exception {
        Path file = Files.writeString(root.resolve("not-a-dir"), "");
        Path manifests = oneProgramThatLeavesAMarker();
        Path marker = marker();
        for (List<String> dirs : List.of(List.of(file.toString(), root.resolve("state").toString()),
                List.of(manifests.toString(), file.toString()))) {
            String what = dirs.get(0).equals(file.toString()) ? "manifest directory" : "state directory";
            try (DaemonProcess daemon = DaemonProcess.launch(List.of(), root.resolve("unused"), root.resolve("unused-state"),
                    "ServeIT-file-dir", List.of("--manifests", dirs.get(0), "--state-dir", dirs.get(1), "--listen", "127.0.0.1:0"))) {
                assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
                assertEquals(1, daemon.process().exitValue());
                assertTrue(daemon.lines().stream().anyMatch(line -> line.startsWith("steward: cannot start: the " + what + " "
                        + file + " is a file, not a directory; pass --")), () -> String.join("\n", daemon.lines()));
                assertFalse(Files.exists(marker), "no program ran");
            }
        }
    }

    @Test
    void aManifestDirectoryEveryUserCouldWriteStopsTheStartBeforeAnyProgramRuns() throws Exception {
        // It ran whatever any user dropped there, as the daemon's user (root, often)
        Path manifests = oneProgramThatLeavesAMarker();
        Files.setPosixFilePermissions(manifests, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (DaemonProcess daemon = DaemonProcess.launch(manifests, root.resolve("state"), "ServeIT-open-manifests", "127.0.0.1:0")) {
            assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
            assertEquals(1, daemon.process().exitValue(), () -> String.join("\n", daemon.lines()));
            assertTrue(daemon.lines().contains("steward: cannot start: the manifest directory " + manifests + " is writable by"
                    + " every user (rwxrwxrwx): any of them could drop a manifest there, whose command the daemon would run as"
                    + " its own user; chmod o-w it, or pass --manifests DIR (STEWARD_MANIFESTS) with a directory of yours"),
                    () -> String.join("\n", daemon.lines()));
            assertFalse(Files.exists(marker()), "no program ran");
        }
    }

    @Test
    void aStateDirectoryOtherUsersCouldWriteStopsTheStartBeforeAnyProgramRuns() throws Exception {
        Path manifests = oneProgramThatLeavesAMarker();
        Path state = Files.createDirectories(root.resolve("state"));
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path marker = marker();
        try (DaemonProcess daemon = DaemonProcess.launch(manifests, state, "ServeIT-open-state", "127.0.0.1:0")) {
            assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
            assertEquals(1, daemon.process().exitValue());
            assertTrue(daemon.lines().stream().anyMatch(line -> line.equals(openStateDirectory(state))),
                    () -> String.join("\n", daemon.lines()));
            assertFalse(Files.exists(marker), "no program ran");
            assertFalse(Files.exists(state.resolve("token")));
        }
    }

    private static String openStateDirectory(Path state) {
        return "steward: cannot start: the state directory " + state.toAbsolutePath() + " is writable by other users"
                + " (rwxrwxrwx): they could plant files there that the daemon trusts (the API's token; the list of the"
                + " children a killed daemon left, whose processes the next start stops); chmod go-w it, or use another"
                + " --state-dir";
    }

    /**
     * STEWARD_TOKEN spares the daemon the token file, not the state directory's check: a list of children another
     * user planted there, naming a process of theirs choosing with its start time (which /proc shows everybody), had
     * the daemon (root, often) stop that process at its start.
     */
    @Test
    void withStewardTokenAStateDirectoryOtherUsersCouldWriteStillStopsTheStartAndItsChildrenListStopsNothing() throws Exception {
        Path manifests = oneProgramThatLeavesAMarker();
        Path state = Files.createDirectories(root.resolve("state"));
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Process victim = new ProcessBuilder("sleep", "1000").start();
        try {
            String stat = Files.readString(Path.of("/proc/" + victim.pid() + "/stat"));
            String started = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]; // field 22, starttime
            Files.writeString(state.resolve("children"), "# planted\n# by another user\nboot "
                    + Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip()
                    + " timens " + Files.readSymbolicLink(Path.of("/proc/self/ns/time"))
                    + " pidns " + Files.readSymbolicLink(Path.of("/proc/self/ns/pid")) + " daemon 4242\n"
                    + victim.pid() + " " + started + " " + started + " 15 0 0 1 victim\n");
            try (DaemonProcess daemon = DaemonProcess.launchCommand(List.of(Path.of(System.getProperty("java.home"), "bin",
                            "java").toString(), "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar", DaemonProcess.jar(),
                            "serve", "--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"),
                    java.util.Map.of("STEWARD_TOKEN", "a-token-long-enough-to-pass"), manifests, state, "ServeIT-open-state-token")) {
                assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
                assertEquals(1, daemon.process().exitValue(), () -> String.join("\n", daemon.lines()));
                assertTrue(daemon.lines().stream().anyMatch(line -> line.equals(openStateDirectory(state))),
                        () -> String.join("\n", daemon.lines()));
                assertTrue(victim.isAlive(), "the process the planted list named was not signalled");
                assertFalse(Files.exists(marker()), "no program ran");
            }
        } finally {
            victim.destroyForcibly().waitFor();
        }
    }

    /**
     * Quarkus reads a .env in the working directory as environment variables: one every user could write (a daemon started
     * in /tmp, say) set the API's token, STEWARD_TOKEN, and with it whoever wrote it could run any command as the daemon's
     * user.
     */
    @Test
    void aDotEnvInTheWorkingDirectoryThatOtherUsersCouldWriteStopsTheStartBeforeAnyProgramRuns() throws Exception {
        Path manifests = oneProgramThatLeavesAMarker();
        Path state = root.resolve("state");
        Path workingDirectory = Files.createDirectories(root.resolve("cwd"));
        Path dotEnv = Files.writeString(workingDirectory.resolve(".env"), "STEWARD_TOKEN=chosen-by-another-user\n");
        Files.setPosixFilePermissions(dotEnv, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        try (DaemonProcess daemon = DaemonProcess.launchCommand(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"",
                        workingDirectory.toString(), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar",
                        Path.of(DaemonProcess.jar()).toAbsolutePath().toString(), "serve", "--manifests", manifests.toString(),
                        "--state-dir", state.toString(), "--listen", "127.0.0.1:0"),
                java.util.Map.of(), manifests, state, "ServeIT-dotenv")) {
            assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
            assertEquals(1, daemon.process().exitValue(), () -> String.join("\n", daemon.lines()));
            assertTrue(daemon.lines().contains("steward: cannot start: " + dotEnv + " is writable by other users (rw-rw-rw-):"
                    + " the daemon reads its configuration from it at start (STEWARD_TOKEN, the API's token, among the rest),"
                    + " so any of them could choose it; chmod go-w it, remove it, or start the daemon from another working"
                    + " directory (cd /)"), () -> String.join("\n", daemon.lines()));
            assertFalse(Files.exists(marker()), "no program ran");
        }
    }

    @Test
    void aMalformedListenAddressEndsTheStartWithItsReason() throws Exception {
        // Thrown out of main, the error met Quarkus' logging set-up racing the libc thread's: the daemon hung, TERM too.
        Path manifests = oneProgramThatLeavesAMarker();
        Path marker = marker();
        for (String listen : List.of("9001", "127.0.0.1:99999")) {
            try (DaemonProcess daemon = DaemonProcess.launch(manifests, root.resolve("state"), "ServeIT-bad-listen", listen)) {
                assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
                assertEquals(2, daemon.process().exitValue());
                assertTrue(daemon.lines().contains("steward: --listen must be HOST:PORT with a port from 0 to 65535, e.g."
                        + " 127.0.0.1:9001 (got " + listen + ")"), () -> String.join("\n", daemon.lines()));
                assertFalse(Files.exists(marker), "no program ran");
            }
        }
    }

    @Test
    void anHttpAddressAlreadyTakenEndsTheStartBeforeAnyProgramRuns() throws Exception {
        // As supervisord refuses: found only once Quarkus bound it, every program had been spawned and was stopped again.
        Path manifests = oneProgramThatLeavesAMarker();
        Path marker = marker();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            try (DaemonProcess daemon = DaemonProcess.launch(manifests, root.resolve("state"), "ServeIT-taken", listen)) {
                assertTrue(daemon.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the daemon did not exit");
                assertEquals(1, daemon.process().exitValue());
                assertTrue(daemon.lines().stream().anyMatch(line -> line.startsWith("steward: cannot start: cannot listen on "
                        + listen + " (--listen): ")), () -> String.join("\n", daemon.lines()));
                assertFalse(Files.exists(marker), "no program ran");
            }
        }
    }

    /**
     * docker run --read-only without a volume at /tmp: Vert.x's cache directory there failed the start, once the programs
     * had started, which then stopped them (and a restart policy started and stopped them over and over).
     */
    @Test
    void aTemporaryDirectoryThatCannotBeWrittenDoesNotStopTheStart() throws Exception {
        Path manifests = oneProgramThatLeavesAMarker();
        Path state = root.resolve("state");
        Path notADirectory = Files.writeString(root.resolve("file"), ""); // unwritable even for root, as a read-only /tmp
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-Djava.io.tmpdir=" + notADirectory.resolve("tmp")),
                manifests, state, "ServeIT-read-only-tmp", List.of("--manifests", manifests.toString(), "--state-dir",
                        state.toString(), "--listen", "127.0.0.1:0"))) {
            String tcp = daemon.awaitLine("listening on http://127.0.0.1:");
            String port = tcp.replaceAll(".*listening on http://127\\.0\\.0\\.1:(\\d+) .*", "$1");
            await("ready").atMost(DaemonProcess.PATIENCE).until(() -> Http.status("http://127.0.0.1:" + port + "/q/health/ready") == 200);
            assertTrue(Files.exists(marker()), "its program runs");
            assertTrue(daemon.process().isAlive(), () -> String.join("\n", daemon.lines()));
            assertFalse(daemon.lines().stream().anyMatch(line -> line.contains("Vert.x cache")), () -> String.join("\n", daemon.lines()));
            assertEquals(0, daemon.terminate());
        }
    }

    /** A manifest directory with one program, which leaves {@link #marker()} when it runs. */
    private Path oneProgramThatLeavesAMarker() throws IOException {
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Files.writeString(manifests.resolve("a.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: a}\n"
                + "spec: {command: [sh, -c, 'touch " + marker() + "; exec sleep 1000']}\n");
        return manifests;
    }

    private Path marker() {
        return root.resolve("ran");
    }

    /**
     * bin/steward records {@code serve --cds-training} into the daemon's class-data archive: a real start
     * in a temporary directory that stops its programs, cleans up and exits 0, leaving an archive a later
     * daemon can map ({@code -Xshare:on} refuses to start otherwise).
     */
    @Test
    void theTrainingRunStartsAndStopsItsProgramsAndLeavesAnArchiveADaemonCanUse() throws Exception {
        Path archive = root.resolve("daemon.jsa");
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        List<String> recording = List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-Djava.io.tmpdir=" + tmp);
        try (DaemonProcess training = DaemonProcess.launch(recording, root.resolve("unused"), root.resolve("unused"),
                "ServeIT-training", List.of("--cds-training"))) {
            assertTrue(training.process().waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), "the training run did not end");
            assertEquals(0, training.process().exitValue(), () -> String.join("\n", training.lines()));
            List<String> lines = training.lines();
            for (String expected : List.of("sleeper-0: RUNNING", "sleeper-1: RUNNING", "once: EXITED", "all programs stopped")) {
                assertTrue(lines.stream().anyMatch(l -> l.contains(expected)), expected + " missing:\n" + String.join("\n", lines));
            }
            assertFalse(training.reportedPids().isEmpty());
            for (long pid : training.reportedPids()) {
                assertFalse(Processes.alive(pid), "pid " + pid + " left behind");
            }
        }
        assertTrue(Files.size(archive) > 0, "no archive written");
        try (var left = Files.list(tmp)) {
            // (Vert.x keeps its own file cache there, as in every daemon)
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("steward")).toList(),
                    "the training run left its temporary directory");
        }
        Path manifests = root.resolve("manifests");
        Path state = root.resolve("state");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"), manifests, state,
                "ServeIT-archive-used", List.of("--manifests", manifests.toString(), "--state-dir", state.toString(),
                        "--listen", "127.0.0.1:0"))) {
            daemon.awaitLine("listening on unix socket");
            assertEquals(0, daemon.terminate());
        }
    }

    /**
     * A daemon that has run out of heap is worse than none: a thread that died of it may be the one that
     * reads the children's output or learns of their exits. bin/steward has the JVM end instead, and the
     * next start stops what it left (README, "When the daemon itself is killed").
     */
    @Test
    void theLauncherHasTheDaemonExitWhenItRunsOutOfMemory() throws Exception {
        Path transcript = root.resolve("launcher.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "steward").toAbsolutePath().toString(), "serve",
                "--manifests", root.resolve("manifests").toString(), "--state-dir", root.resolve("state").toString(),
                "--listen", "127.0.0.1:0").redirectErrorStream(true).redirectOutput(transcript.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("STEWARD_CDS", "0"); // no class-data archive to record first
        Process daemon = builder.start();
        try {
            await("the daemon's start").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(transcript).contains("watching ") || !daemon.isAlive());
            // the launcher execs the JVM: same pid
            List<String> arguments = List.of(Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "cmdline"))
                    .split("\0"));
            assertTrue(arguments.contains("-XX:+ExitOnOutOfMemoryError"), arguments::toString);
            daemon.destroy();
            assertTrue(daemon.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, daemon.exitValue(), () -> readQuietly(transcript));
        } finally {
            daemon.destroyForcibly();
        }
    }

    /**
     * The first start after a build records the class-data archive first (bin/steward's training run). Ctrl-C there
     * (SIGINT to the terminal's process group) let the training run end as a normal stop, and the launcher went on to
     * start the daemon; a TERM to the launcher alone killed it with status 143 and left the training run and its temporary
     * archive behind. Either now ends the start there: exit 0, no daemon, nothing left.
     */
    @Test
    void ctrlCWhileTheFirstStartRecordsTheArchiveStartsNoDaemon() throws Exception {
        stopWhileRecording(true, false);
    }

    @Test
    void termToTheLauncherWhileTheFirstStartRecordsTheArchiveStartsNoDaemonAndLeavesNothing() throws Exception {
        stopWhileRecording(false, false);
    }

    /**
     * Stopped once the training run has made its temporary directory: a TERM before its signal handlers ended the JVM at
     * once, and one during its first pass exited without the clean-up; either left the directory in /tmp.
     */
    @Test
    void aStopOnceTheTrainingRunHasMadeItsDirectoryLeavesNoTemporaryDirectory() throws Exception {
        stopWhileRecording(false, true);
    }

    @Test
    void anEarlyAccessJdkOf24OrLaterGetsTheUnsafeMemoryAccessFlagToo() throws Exception {
        // "26-ea+3" was cut at "+" only, and "26-ea" is no number: Netty's four warning lines at every start.
        Path jdk = Files.createDirectories(root.resolve("jdk/bin"));
        Files.writeString(jdk.resolveSibling("release"), "JAVA_RUNTIME_VERSION=\"26-ea+3\"\n");
        Path fakeJava = Files.writeString(jdk.resolve("java"), "#!/bin/sh\necho \"$@\"\n");
        fakeJava.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin", "steward").toAbsolutePath().toString(), "serve", "--help")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", jdk.getParent().toString());
        builder.environment().put("STEWARD_CDS", "0");
        Process run = builder.start();
        String args = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(run.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertTrue(args.contains("--sun-misc-unsafe-memory-access=allow"), args);
    }

    @Test
    void serveHelpOnAFreshBuildRecordsNoArchive() throws Exception {
        Path launcher = launcherWithoutArchive();
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve", "--help").redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("STEWARD_CDS");
        Process help = builder.start();
        String said = new String(help.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(help.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, help.exitValue(), said);
        assertTrue(said.contains("Usage: steward serve"), said);
        assertFalse(said.contains("preparing a class-data archive"), said);
        try (var left = Files.list(launcher.getParent().resolveSibling("target"))) {
            assertEquals(List.of("quarkus-app"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** A copy of the launcher whose target/ has the packaged application and no archive yet: a start records one. */
    private Path launcherWithoutArchive() throws IOException {
        Path home = root.resolve("home");
        Path launcher = Files.createDirectories(home.resolve("bin")).resolve("steward");
        Files.copy(Path.of("bin", "steward"), launcher);
        Path target = Files.createDirectories(home.resolve("target"));
        Files.createSymbolicLink(target.resolve("quarkus-app"), Path.of("target", "quarkus-app").toAbsolutePath());
        return launcher;
    }

    private void stopWhileRecording(boolean toTheGroup, boolean onceItsDirectoryExists) throws Exception {
        Path launcher = launcherWithoutArchive();
        Path target = launcher.getParent().resolveSibling("target");
        Path transcript = root.resolve("launcher.log");
        // its own process group, with SIGINT not ignored, as a terminal's foreground job has it
        ProcessBuilder builder = new ProcessBuilder("env", "--default-signal=INT", "setsid", launcher.toString(), "serve",
                "--manifests", root.resolve("manifests").toString(), "--state-dir", root.resolve("state").toString(),
                "--listen", "127.0.0.1:0").redirectErrorStream(true).redirectOutput(transcript.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("STEWARD_CDS");
        // the training run's temporary directory goes there, where the test can see what is left
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        builder.environment().put("STEWARD_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
        Process start = builder.start();
        List<ProcessHandle> started = new java.util.ArrayList<>();
        try {
            await("the training run").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
                start.descendants().forEach(p -> { if (!started.contains(p)) started.add(p); });
                return !started.isEmpty() || !start.isAlive();
            });
            assertTrue(readQuietly(transcript).contains("preparing a class-data archive"), () -> readQuietly(transcript));
            if (onceItsDirectoryExists) {
                await("the training run's directory").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(5))
                        .until(() -> !trainingDirectories(tmp).isEmpty() || !start.isAlive());
            }
            if (toTheGroup) {
                assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + start.pid()).start().waitFor());
            } else {
                start.destroy(); // SIGTERM to the launcher alone, as kill PID does
            }
            assertTrue(start.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), () -> readQuietly(transcript));
            assertEquals(0, start.exitValue(), () -> readQuietly(transcript));
            String said = readQuietly(transcript);
            assertTrue(said.contains("stopped while preparing the class-data archive: the daemon was not started"), said);
            assertFalse(said.contains("watching "), said);
            for (ProcessHandle training : started) {
                await("the training run's end").atMost(DaemonProcess.PATIENCE).until(() -> !training.isAlive());
            }
            try (var left = Files.list(target)) {
                assertEquals(List.of("quarkus-app"), left.map(p -> p.getFileName().toString()).toList());
            }
            assertEquals(List.of(), trainingDirectories(tmp), "the training run's directory");
        } finally {
            start.destroyForcibly();
            for (ProcessHandle training : started) {
                training.destroyForcibly();
            }
        }
    }

    /** DaemonTraining's temporary directories in {@code tmp} (JNA and Vert.x may leave files of their own there). */
    private static List<String> trainingDirectories(Path tmp) throws IOException {
        try (var entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("steward-daemon-cds")).toList();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /**
     * {@code systemctl reload} (HUP to the service's main process, the launcher) or a closed terminal while the first start
     * recorded the class-data archive ended the launcher (status 129: the service failed) and left the recording's 30 MB
     * temporary archive in target/ for good. The start goes on: the daemon runs, with the archive.
     */
    @Test
    void aReloadWhileTheFirstStartRecordsTheArchiveLetsTheStartGoOn() throws Exception {
        Path home = root.resolve("reloaded");
        Path launcher = Files.createDirectories(home.resolve("bin")).resolve("steward");
        Files.copy(Path.of("bin", "steward"), launcher);
        Path target = Files.createDirectories(home.resolve("target"));
        Files.createSymbolicLink(target.resolve("quarkus-app"), Path.of("target", "quarkus-app").toAbsolutePath());
        Path transcript = root.resolve("reloaded.log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "serve", "--manifests",
                root.resolve("manifests").toString(), "--state-dir", root.resolve("state").toString(), "--listen",
                "127.0.0.1:0").redirectErrorStream(true).redirectOutput(transcript.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("STEWARD_CDS");
        Process start = builder.start();
        try {
            await("the training run").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> start.descendants().findAny().isPresent() || !start.isAlive());
            for (String signal : List.of("HUP", "USR1", "USR2")) {
                new ProcessBuilder("kill", "-" + signal, String.valueOf(start.pid())).start().waitFor();
            }
            await("the daemon").atMost(DaemonProcess.PATIENCE)
                    .until(() -> readQuietly(transcript).contains("listening on http://") || !start.isAlive());
            assertTrue(start.isAlive(), () -> "the launcher ended (" + start.exitValue() + "):\n" + readQuietly(transcript));
            try (var left = Files.list(target)) {
                List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(2, names.size(), names.toString());
                assertTrue(names.get(1).matches("steward-daemon-.*\\.jsa"), names.toString());
            }
            start.destroy(); // TERM to the daemon the launcher became
            assertTrue(start.waitFor(DaemonProcess.PATIENCE.toSeconds(), TimeUnit.SECONDS), () -> readQuietly(transcript));
            assertEquals(0, start.exitValue(), () -> readQuietly(transcript));
        } finally {
            start.descendants().forEach(ProcessHandle::destroyForcibly);
            start.destroyForcibly();
        }
    }
}
