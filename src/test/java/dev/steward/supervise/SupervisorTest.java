package dev.steward.supervise;

import static dev.steward.supervise.ProcessState.BACKOFF;
import static dev.steward.supervise.ProcessState.FATAL;
import static dev.steward.supervise.ProcessState.RUNNING;
import static dev.steward.supervise.ProcessState.STARTING;
import static dev.steward.supervise.ProcessState.STOPPED;
import static dev.steward.supervise.ProcessState.STOPPING;
import static dev.steward.supervise.ProcessState.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.events.Event;
import dev.steward.logs.LogFileTable;
import dev.steward.logs.LogSink;
import dev.steward.logs.TailMemory;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ManifestFile;
import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.LogsSpec;
import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartPolicy;
import dev.steward.reconcile.DesiredState;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The supervisor wired with the production {@link ProcessLauncher} over a fake {@link Spawner}, on a
 * fake clock: reconcile, operator actions, operator intent across reconciles and daemon restarts,
 * and shutdown order.
 */
class SupervisorTest {
    private static final int SIGHUP = 1;
    private static final int SIGTERM = 15;
    private static final int SIGCONT = 18;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String SH = "/bin/sh";
    /** Where every program's manifest file is ({@link #desired}): what %(here)s names. */
    private static final Path MANIFESTS = Path.of("/etc/steward/manifests");

    @TempDir
    Path stateDir;

    private final ManualLoop loop = new ManualLoop();
    private final FakeSpawner spawner = new FakeSpawner();
    private final List<Event> events = new ArrayList<>();

    // ---- fake spawner -------------------------------------------------------------------------------

    /** Records each request and hands out children whose exit the test fires. */
    final class FakeSpawner implements Spawner {
        private final List<SpawnRequest> requests = new ArrayList<>();
        private final List<Child> children = new ArrayList<>();
        private int nextPid = 2001;
        private int failures;
        private RuntimeException bug;
        private Runnable onSpawn = () -> { };

        @Override
        public ChildProcess spawn(SpawnRequest request) throws SpawnException {
            requests.add(request);
            onSpawn.run();
            if (bug != null) {
                throw bug;
            }
            if (failures > 0) {
                failures--;
                throw new SpawnException("posix_spawn failed: Permission denied");
            }
            Child child = new Child(nextPid++, request);
            children.add(child);
            return child;
        }

        void failNext(int count) {
            failures += count;
        }

        int spawnCount() {
            return requests.size();
        }

        /** The children spawned for a process, oldest first. */
        List<Child> childrenOf(String process) {
            return children.stream().filter(c -> process.equals(c.request.environment().get("STEWARD_PROCESS_NAME"))).toList();
        }

        Child lastChildOf(String process) {
            List<Child> of = childrenOf(process);
            assertFalse(of.isEmpty(), "no child spawned for " + process);
            return of.get(of.size() - 1);
        }
    }

    /** One fake child: records signals; {@link #exit} fires the request's onExit and runs the loop. */
    final class Child implements ChildProcess {
        final int pid;
        final SpawnRequest request;
        final List<Integer> signals = new ArrayList<>();
        boolean dead;
        /** Others of its process group live on after it dies, until SIGKILL to the group. */
        boolean groupMembers;

        Child(int pid, SpawnRequest request) {
            this.pid = pid;
            this.request = request;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public boolean signal(int signal, boolean toGroup) {
            signals.add(signal);
            boolean reached = !dead || (toGroup && groupMembers);
            if (toGroup && signal == 9) {
                groupMembers = false;
            }
            return reached;
        }

        @Override
        public boolean groupAlive() {
            return !dead || groupMembers;
        }

        void exit(ExitStatus status) {
            dead = true;
            request.onExit().accept(status);
            loop.runPending();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private Supervisor supervisor(OperatorIntent intent) {
        return new Supervisor(loop, loop.clock(),
                new ProcessLauncher(spawner, stateDir, MANIFESTS, Map.of("PATH", "/usr/bin:/bin")), event -> { }, (event, at) -> events.add(event), intent);
    }

    private static Specs program(String name) {
        return Specs.program(name).command(SH, "-c", "exec sleep 1000");
    }

    private static DesiredState desired(ProgramSpec... specs) {
        Map<String, ProgramSpec> programs = new LinkedHashMap<>();
        Map<String, Path> sources = new LinkedHashMap<>();
        for (ProgramSpec spec : specs) {
            programs.put(spec.name(), spec);
            sources.put(spec.name(), MANIFESTS.resolve(spec.name() + ".yaml"));
        }
        return new DesiredState(programs, sources, List.of());
    }

    private void apply(Supervisor supervisor, DesiredState state) {
        loop.execute(() -> supervisor.apply(state));
        loop.runPending();
    }

    /** Applies {@code state} and lets every process reach RUNNING. */
    private void applyAndRun(Supervisor supervisor, DesiredState state) {
        loop.execute(() -> supervisor.apply(state));
        loop.runPending();
        loop.advanceSeconds(1);
    }

    private static ProcessState state(Supervisor supervisor, String process) {
        return supervisor.slot(process).orElseThrow(() -> new AssertionError("no process " + process)).state();
    }

    private static ProcessView view(Supervisor supervisor, String process) {
        return supervisor.processes().stream().filter(v -> v.name().equals(process)).findFirst().orElseThrow();
    }

    private static Actions.Result only(CompletableFuture<List<Actions.Result>> future) {
        assertTrue(future.isDone(), "the action should have completed");
        assertEquals(1, future.join().size(), future.join().toString());
        return future.join().get(0);
    }

    /** Stops {@code process} by hand and lets the exit arrive. */
    private void stopByHand(Supervisor supervisor, String process) {
        Child child = spawner.lastChildOf(process);
        CompletableFuture<List<Actions.Result>> future = supervisor.stop(List.of(process), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        assertEquals(List.of(SIGTERM, SIGCONT), child.signals);
        child.exit(ExitStatus.killedBy(SIGTERM));
        Actions.Result result = only(future);
        assertTrue(result.ok(), result.toString());
        assertEquals(STOPPED, state(supervisor, process));
    }

    // ---- reconcile and launch -----------------------------------------------------------------------

    @Test
    void applyStartsAutostartProgramsThroughTheLauncher() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());

        applyAndRun(supervisor, desired(program("web").build(), program("off").autostart(false).build()));

        assertEquals(RUNNING, state(supervisor, "web"));
        assertEquals(STOPPED, state(supervisor, "off"));
        assertEquals(1, spawner.spawnCount());
        SpawnRequest request = spawner.lastChildOf("web").request;
        assertEquals(Path.of(SH), request.executable());
        assertEquals(List.of(SH, "-c", "exec sleep 1000"), request.argv());
        assertEquals("/usr/bin:/bin", request.environment().get("PATH"));
        assertTrue(supervisor.snapshot().loaded());
    }

    @Test
    void aSpawnCreatesNoLogFileTheFirstOutputDoes() throws IOException {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));

        assertEquals(RUNNING, state(supervisor, "web"));
        assertFalse(Files.exists(stateDir.resolve("logs")), "a silent program has no log files");
        assertEquals(Optional.of(stateDir.resolve("logs/web.out.log")), view(supervisor, "web").stdout().flatMap(LogSink::file));

        SpawnRequest request = spawner.lastChildOf("web").request;
        request.stdout().write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hello\n", Files.readString(stateDir.resolve("logs/web.out.log")));
        assertFalse(Files.exists(stateDir.resolve("logs/web.err.log")), "stderr has had no output");
        assertEquals("hello\n", new String(view(supervisor, "web").stdout().orElseThrow().tail(100), StandardCharsets.US_ASCII));
    }

    /** The log files under the state directory this JVM holds open. */
    private List<String> openLogFiles() throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(stateDir)) {
                        open.add(stateDir.relativize(target).toString());
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, gone once listed
                }
            }
        }
        return open.stream().sorted().toList();
    }

    @Test
    void aReplicaGivenTheFileItsSiblingsShareWritesWholeLinesBeforeTheyHaveOpenedIt() throws IOException {
        // The first replica starts, and writes, moments before its siblings open the file: a half line written then
        // was cut by a sibling's first line ("web-0 web-1 line 0").
        ProcessLauncher launcher = new ProcessLauncher(spawner, stateDir, MANIFESTS, Map.of("PATH", "/usr/bin:/bin"));
        // file -> whether the siblings share it
        Map<String, Boolean> files = new LinkedHashMap<>();
        files.put("shared.log", true);
        files.put("%(program_name)s.log", true);
        files.put("web-%(process_num)d.log", false);
        files.put("%(ENV_SHARD)s.log", false); // SHARD is shard-%(process_num)d: each replica's own
        files.put("%(ENV_TEAM)s.log", true);
        for (Map.Entry<String, Boolean> file : files.entrySet()) {
            ProcessSlot first = new ProcessSlot(loggingTo(file.getKey(), 3), 0, loop.clock(), loop, launcher, (slot, change) -> { });
            first.start();
            assertEquals(file.getValue(), halfLineHeld(launcher, first), file.getKey());
            launcher.release(first);
        }

        // A sink kept from a start with one replica, the program scaled to three since: its next start marks it.
        ProcessSlot alone = new ProcessSlot(loggingTo("kept.log", 1), 0, loop.clock(), loop, launcher, (slot, change) -> { });
        alone.start();
        assertFalse(halfLineHeld(launcher, alone), "one replica: written as it comes");
        alone.stop();
        spawner.children.get(spawner.children.size() - 1).exit(ExitStatus.killedBy(15));
        alone.updateSpec(loggingTo("kept.log", 3));
        alone.start();
        assertTrue(halfLineHeld(launcher, alone), "three replicas now");
        launcher.release(alone);
    }

    private ProgramSpec loggingTo(String file, int replicas) {
        return program("web").replicas(replicas).environment(Map.of("SHARD", "shard-%(process_num)d", "TEAM", "ops"))
                .logs(new LogsSpec(new LogsSpec.StreamLogSpec(stateDir.resolve(file).toString(), 0, 0),
                        LogsSpec.StreamLogSpec.defaults(), true)).build();
    }

    /** Writes a half line, then its end, to the slot's latest spawn's stdout: whether the file had none of it between. */
    private boolean halfLineHeld(ProcessLauncher launcher, ProcessSlot slot) throws IOException {
        OutputSink stdout = spawner.requests.get(spawner.requests.size() - 1).stdout();
        Path file = launcher.plannedLogPaths(slot).stdout().orElseThrow();
        String before = Files.exists(file) ? Files.readString(file) : "";
        stdout.write(ByteBuffer.wrap("web-0 ".getBytes(StandardCharsets.US_ASCII)));
        boolean held = (Files.exists(file) ? Files.readString(file) : "").equals(before);
        stdout.write(ByteBuffer.wrap("line\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(before + "web-0 line\n", Files.readString(file));
        return held;
    }

    @Test
    void processesScaledAwayOrDeletedLetGoOfTheirLogFilesAndTails() throws IOException {
        TailMemory memory = new TailMemory(1 << 20);
        Supervisor supervisor = new Supervisor(loop, loop.clock(), new ProcessLauncher(spawner, stateDir, MANIFESTS,
                Map.of("PATH", "/usr/bin:/bin"), ChildLedger.none(), memory, new LogFileTable()), event -> { }, (event, at) -> { },
                OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).build()));
        for (String process : List.of("web-0", "web-1", "web-2")) {
            SpawnRequest request = spawner.lastChildOf(process).request;
            request.stdout().write(ByteBuffer.wrap(new byte[1000]));
            request.stderr().orElseThrow().write(ByteBuffer.wrap(new byte[1000]));
        }
        assertEquals(6000, memory.taken());
        assertEquals(List.of("logs/web-0.err.log", "logs/web-0.out.log", "logs/web-1.err.log", "logs/web-1.out.log",
                "logs/web-2.err.log", "logs/web-2.out.log"), openLogFiles());

        applyAndRun(supervisor, desired(program("web").replicas(1).build()));
        assertEquals(6000, memory.taken(), "held while web-1 and web-2 stop");
        spawner.lastChildOf("web-1").exit(ExitStatus.killedBy(SIGTERM));
        spawner.lastChildOf("web-2").exit(ExitStatus.killedBy(SIGTERM));

        assertEquals(2000, memory.taken(), "only web-0's tails are left");
        assertEquals(List.of("logs/web-0.err.log", "logs/web-0.out.log"), openLogFiles());

        loop.execute(() -> supervisor.apply(desired()));
        loop.runPending();
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM));

        assertEquals(0, memory.taken());
        assertEquals(List.of(), openLogFiles());
    }

    @Test
    void aUserWhoTheDaemonAlreadyIsIsNotSwitchedToAndAnotherGoesThroughSetpriv() {
        // These tests run as root: root is the daemon's own user, nobody another one.
        Assumptions.assumeTrue(PosixSpawner.runningAsRoot(), "run as root");
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("own").user("root").build(), program("other").user("nobody").build()));

        SpawnRequest own = spawner.lastChildOf("own").request;
        assertEquals(Path.of(SH), own.executable(), "run as it is, as supervisord does");
        assertEquals("root", own.environment().get("USER"));
        SpawnRequest other = spawner.lastChildOf("other").request;
        assertEquals(Path.of("/usr/bin/setpriv"), other.executable());
        assertEquals("nobody", other.environment().get("USER"));
    }

    @Test
    void aUsersHomeUserLognameAndShellYieldToThoseTheManifestSets() throws SpawnException {
        Assumptions.assumeTrue(PosixSpawner.runningAsRoot(), "run as root");
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("app").user("nobody").environment(Map.of("HOME", "/srv/app")).build(),
                program("plain").user("nobody").build()));

        Map<String, String> app = spawner.lastChildOf("app").request.environment();
        assertEquals("/srv/app", app.get("HOME"), "spec.environment's, as under supervisord");
        assertEquals("nobody", app.get("USER"));
        assertEquals("nobody", app.get("LOGNAME"));
        Map<String, String> plain = spawner.lastChildOf("plain").request.environment();
        assertEquals(UserAccount.lookup("nobody").home(), plain.get("HOME"), "nobody's home in /etc/passwd");
        assertEquals("nobody", plain.get("LOGNAME"));
        assertEquals(UserAccount.lookup("nobody").shell(), plain.get("SHELL"), "nobody's shell (nologin), not the daemon's");
        assertEquals(UserAccount.lookup("nobody").shell(), app.get("SHELL"));
    }

    @Test
    void anInvalidFileThatGoesIsSaidToBeRemovedAndOneFixedToBeFixed() throws IOException {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        Path fixed = Files.writeString(stateDir.resolve("fixed.yaml"), "kind: Program\n");
        Path deleted = stateDir.resolve("deleted.yaml");
        List<ManifestError> errors = List.of(new ManifestError(fixed, 1, 1, "metadata", "missing"),
                new ManifestError(deleted, 1, 1, "metadata", "missing"));
        apply(supervisor, new DesiredState(Map.of(), Map.of(), errors));
        events.clear();

        apply(supervisor, desired());

        assertEquals(List.of(new Event.ManifestRecovered(deleted, true), new Event.ManifestRecovered(fixed, false)),
                events.stream().filter(e -> e instanceof Event.ManifestRecovered).toList());
    }

    @Test
    void aProgramWhoseFileIsRenamedRunsOnAndIsSaidToComeFromTheNewFile() {
        // mv web.yaml web-renamed.yaml, or a checkout that renames it: nothing restarts, and the log says so
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        ProgramSpec web = program("web").build();
        applyAndRun(supervisor, desired(web));
        int spawns = spawner.requests.size();
        events.clear();

        Path renamed = MANIFESTS.resolve("web-renamed.yaml");
        apply(supervisor, new DesiredState(Map.of("web", web), Map.of("web", renamed), List.of()));

        assertEquals(List.of(new Event.ProgramChanged("web", "now defined in " + renamed + " (was "
                + MANIFESTS.resolve("web.yaml") + "); nothing restarted")), events);
        assertEquals(spawns, spawner.requests.size(), "nothing spawned");
        assertEquals(RUNNING, state(supervisor, "web"));
    }

    @Test
    void aChangedManifestGivesAFatalProcessNewStartAttemptsAndSaysSo() {
        // supervisorctl update restarts a changed program; its startSeconds was what made it give up
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        ProgramSpec tooSlow = program("web").startRetries(0).startSeconds(5).build();
        apply(supervisor, desired(tooSlow));
        spawner.lastChildOf("web").exit(ExitStatus.exited(1));
        assertEquals(FATAL, state(supervisor, "web"));
        events.clear();

        apply(supervisor, desired(Specs.from(tooSlow).startSeconds(1).build()));

        assertEquals(List.of(new Event.ProgramChanged("web", "starting web again, FATAL (a changed manifest gives it new"
                + " start attempts)")), events.stream().filter(e -> e instanceof Event.ProgramChanged).toList());
        assertEquals(STARTING, state(supervisor, "web"));
        assertEquals(2, spawner.spawnCount());
        loop.advanceSeconds(1);
        assertEquals(RUNNING, state(supervisor, "web"));
    }

    @Test
    void aProgramChangedAsItMovesToAnotherFileSaysBoth() {
        // the file that kept a program defined twice is deleted: the other file's definition takes over
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        events.clear();

        Path other = MANIFESTS.resolve("web-copy.yaml");
        apply(supervisor, new DesiredState(Map.of("web", program("web").stopTimeoutSeconds(3).build()),
                Map.of("web", other), List.of()));

        assertEquals(List.of(new Event.ProgramChanged("web", "applied in place, nothing restarted; now defined in "
                + other + " (was " + MANIFESTS.resolve("web.yaml") + ")")),
                events.stream().filter(e -> e instanceof Event.ProgramChanged).toList());
    }

    @Test
    void aMissingRelativeWorkingDirectorySaysWhatItIsRelativeTo() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        apply(supervisor, desired(program("web").directory("no/such/dir").build()));

        assertEquals(Optional.of("working directory no/such/dir does not exist (a relative path is taken from the daemon's"
                + " working directory, " + Path.of("").toAbsolutePath() + "); create it or fix spec.directory"),
                supervisor.slot("web").orElseThrow().spawnError());
    }

    @Test
    void aWorkingDirectoryThatIsAFileOrUnderOneIsSaidToBeSoNotToBeMissing() throws IOException {
        Path file = Files.writeString(stateDir.resolve("file"), "not a directory");
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        apply(supervisor, desired(program("web").directory(file.toString()).build(),
                program("api").directory(file.resolve("sub").toString()).build()));

        assertEquals(Optional.of("working directory " + file + " is not a directory; fix spec.directory"),
                supervisor.slot("web").orElseThrow().spawnError());
        assertEquals(Optional.of("working directory " + file.resolve("sub") + " cannot be used: Not a directory;"
                + " fix spec.directory"), supervisor.slot("api").orElseThrow().spawnError());
    }

    @Test
    void aWorkingDirectoryTheDaemonsUserMayNotEnterIsSaidToBeSoNotToBeMissing() throws IOException {
        // root enters any directory: this is about a daemon run as another user
        Assumptions.assumeFalse(PosixSpawner.runningAsRoot(), "run as a user other than root");
        Path closed = Files.createDirectories(stateDir.resolve("closed/sub"));
        Path noSearch = Files.createDirectories(stateDir.resolve("no-search"));
        Files.setPosixFilePermissions(noSearch, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(closed.getParent(), PosixFilePermissions.fromString("---------"));
        try {
            Supervisor supervisor = supervisor(OperatorIntent.inMemory());
            apply(supervisor, desired(program("web").directory(closed.toString()).build(),
                    program("api").directory(noSearch.toString()).build()));

            assertTrue(supervisor.slot("web").orElseThrow().spawnError().orElseThrow().startsWith("working directory "
                    + closed + " cannot be reached by the daemon's user"));
            assertTrue(supervisor.slot("api").orElseThrow().spawnError().orElseThrow().startsWith("working directory "
                    + noSearch + " cannot be entered by the daemon's user"));
        } finally {
            Files.setPosixFilePermissions(closed.getParent(), PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(noSearch, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aSwitchedUserEntersTheWorkingDirectoryItselfAfterTheSwitch() throws IOException {
        // As supervisord: setpriv, then a shell that changes to the directory as that user, then the program;
        // posix_spawn's own chdir would be root's, into a directory the user may not be able to use.
        Assumptions.assumeTrue(PosixSpawner.runningAsRoot(), "run as root");
        Path workdir = Files.createDirectories(stateDir.resolve("work"));
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("other").user("nobody").directory(workdir.toString()).build(),
                program("own").user("root").directory(workdir.toString()).build()));

        SpawnRequest other = spawner.lastChildOf("other").request;
        assertEquals(Optional.empty(), other.directory(), "no chdir as root");
        assertEquals(Path.of("/usr/bin/setpriv"), other.executable());
        List<String> argv = other.argv();
        int shell = argv.indexOf("--") + 1;
        assertEquals(List.of(SH, "-c"), argv.subList(shell, shell + 2));
        assertTrue(argv.get(shell + 2).startsWith("cd -P -- \"$1\" "), argv.get(shell + 2));
        assertEquals(List.of(SH, workdir.toString(), "nobody", "-c", "exec sleep 1000"),
                argv.subList(shell + 3, argv.size()), "the program, after the shell's $1 and $2");
        SpawnRequest own = spawner.lastChildOf("own").request;
        assertEquals(Optional.of(workdir), own.directory(), "not switched: posix_spawn's chdir");
        assertEquals(Path.of(SH), own.executable());
    }

    /**
     * The switched user's shell, run for real (as this test's user): it enters the directory as posix_spawn's chdir would
     * (a ".." after a link leads to the parent of the link's target, where a shell's plain cd went to the link's), and
     * names one it cannot enter as written, backslashes and all (echo cut the line at a backslash and c).
     */
    @Test
    void theSwitchedUsersShellEntersTheDirectoryAsChdirDoesAndNamesOneItCannotEnterAsWritten() throws Exception {
        Assumptions.assumeTrue(PosixSpawner.runningAsRoot(), "run as root: only root switches users");
        Path release = Files.createDirectories(stateDir.resolve("releases/2"));
        Path current = Files.createSymbolicLink(stateDir.resolve("current"), release);
        Path odd = Files.createDirectories(stateDir.resolve("odd \\c '$HOME\""));
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(
                Specs.program("up").command("/bin/pwd").user("nobody").directory(current + "/..").build(),
                Specs.program("odd").command("/bin/pwd").user("nobody").directory(odd.toString()).build()));

        assertEquals(release.getParent().toRealPath() + "\n", runShellOf(spawner.lastChildOf("up").request, true));
        Files.delete(odd); // as if closed to the user: this test's user (root) would enter it
        assertEquals("steward: user nobody cannot enter the working directory " + odd + " (spec.directory): give it search"
                + " permission (x) on that directory and every one above it, or change spec.directory\n",
                runShellOf(spawner.lastChildOf("odd").request, false));
    }

    /** Runs what setpriv would exec for {@code request} (the shell, then the program): its stdout, or its stderr. */
    private static String runShellOf(SpawnRequest request, boolean stdout) throws Exception {
        List<String> argv = request.argv();
        Process process = new ProcessBuilder(argv.subList(argv.indexOf("--") + 1, argv.size())).start();
        try {
            assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the shell did not end");
            return new String((stdout ? process.getInputStream() : process.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aLogFileIsLetGoWhenTheChildsPipeEndsAndOpenedAgainByTheNextOutput() throws IOException {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        SpawnRequest request = spawner.lastChildOf("web").request;
        request.stdout().write(ByteBuffer.wrap("one\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of("logs/web.out.log"), openLogFiles());

        request.stdout().ended();

        assertEquals(List.of(), openLogFiles(), "an exited or crash-looping program holds no descriptor");
        request.stdout().write(ByteBuffer.wrap("two\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of("logs/web.out.log"), openLogFiles());
        assertEquals("one\ntwo\n", Files.readString(stateDir.resolve("logs/web.out.log")));
    }

    @Test
    void hereIsTheManifestsDirectoryInTheCommandDirectoryEnvironmentAndLogPaths() throws IOException {
        Path manifests = Files.createDirectories(stateDir.resolve("etc/manifests"));
        Path file = Files.writeString(manifests.resolve("web.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: web}
                spec:
                  command: ["/bin/sh", "-c", "exec app", "%(here)s/bin/app"]
                  directory: "%(here)s"
                  environment: {CONF: "%(here)s/conf.d", PATH: "%(here)s/bin:%(ENV_PATH)s"}
                  logs: {stdout: {file: "%(here)s/web.out.log"}, stderr: {file: "%(here)s/web.err.log"}}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: line}
                spec:
                  command: "/bin/sh -c 'exec app --config=%(here)s/app.conf'"
                """);
        ManifestFile read = new ManifestLoader().load(file);
        assertTrue(read.valid(), read.errors()::toString);
        Map<String, ProgramSpec> programs = new LinkedHashMap<>();
        read.programs().forEach(spec -> programs.put(spec.name(), spec));
        Supervisor supervisor = new Supervisor(loop, loop.clock(), new ProcessLauncher(spawner, stateDir, manifests,
                Map.of("PATH", "/usr/bin:/bin")), event -> { }, (event, at) -> { }, OperatorIntent.inMemory());

        applyAndRun(supervisor, new DesiredState(programs, Map.of("web", file, "line", file), List.of()));

        SpawnRequest web = spawner.lastChildOf("web").request;
        assertEquals(List.of(SH, "-c", "exec app", manifests + "/bin/app"), web.argv());
        assertEquals(Optional.of(manifests), web.directory());
        assertEquals(manifests + "/conf.d", web.environment().get("CONF"));
        assertEquals(manifests + "/bin:/usr/bin:/bin", web.environment().get("PATH"));
        assertEquals(Optional.of(manifests.resolve("web.out.log")), view(supervisor, "web").stdout().flatMap(LogSink::file));
        assertEquals(Optional.of(manifests.resolve("web.err.log")), view(supervisor, "web").stderr().flatMap(LogSink::file));
        web.stdout().write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hello\n", Files.readString(manifests.resolve("web.out.log")));
        assertEquals(List.of(SH, "-c", "exec app --config=" + manifests + "/app.conf"),
                spawner.lastChildOf("line").request.argv(), "a command line's words, each expanded");
    }

    // ---- start --------------------------------------------------------------------------------------

    @Test
    void startOfStoppedProcessCompletesOkOnceRunning() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").autostart(false).startSeconds(2).build()));

        CompletableFuture<List<Actions.Result>> future = supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        assertEquals(STARTING, state(supervisor, "web"));
        loop.advanceSeconds(1);
        assertFalse(future.isDone());
        loop.advanceSeconds(1);

        Actions.Result result = only(future);
        assertTrue(result.ok(), result.toString());
        assertEquals(RUNNING, result.state());
        assertEquals("started, pid " + spawner.lastChildOf("web").pid, result.message());
        assertEquals(RUNNING, view(supervisor, "web").state(), "published");
    }

    @Test
    void startOfRunningProcessIsAlreadyRunning() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));

        Actions.Result result = only(supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT)));

        assertTrue(result.ok());
        assertEquals("already running", result.message());
        assertEquals(1, spawner.spawnCount());
    }

    @Test
    void startWithAMissingCommandEndsInBackoffWithTheSpawnError() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(Specs.program("web").command("/nonexistent/steward-test/web").autostart(false).build()));

        CompletableFuture<List<Actions.Result>> future = supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertEquals(BACKOFF, result.state());
        assertTrue(result.message().contains("can't find command '/nonexistent/steward-test/web'"), result.message());
        assertEquals(0, spawner.spawnCount(), "resolved before spawning");
    }

    @Test
    void startWhoseSpawnFailsEndsInBackoffWithTheSpawnError() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").autostart(false).build()));
        spawner.failNext(1);

        Actions.Result result = only(supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT)));

        assertFalse(result.ok());
        assertEquals(BACKOFF, result.state());
        assertTrue(result.message().contains("posix_spawn failed: Permission denied"), result.message());
    }

    @Test
    void anActionDoneAtOnceIsPublishedBeforeItsResult() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").autostart(false).build()));
        spawner.failNext(1);

        // The result completes inside this owner task (no loop step yet): readers must already see it.
        Actions.Result result = only(supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT)));

        assertEquals(BACKOFF, result.state());
        assertEquals(BACKOFF, view(supervisor, "web").state());
    }

    @Test
    void anEventGoesOutOnlyOnceTheSnapshotShowsItButIsLoggedAtOnce() {
        // What `get -w` does: on each event it reads the state. An event sent before the snapshot that
        // shows it let a watcher print STOPPING and then wait for a STOPPED that had already happened.
        // The log is not held back: its lines carry the time they are written.
        List<String> logged = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        Supervisor[] supervisor = new Supervisor[1];
        supervisor[0] = new Supervisor(loop, loop.clock(), new ProcessLauncher(spawner, stateDir, MANIFESTS, Map.of("PATH", "/usr/bin:/bin")),
                event -> logged.add(shown(supervisor[0], event)), (event, at) -> sent.add(shown(supervisor[0], event)),
                OperatorIntent.inMemory());

        applyAndRun(supervisor[0], desired(program("web").build()));
        stopByHand(supervisor[0], "web");

        assertEquals(List.of("added, shown: true", "STARTING shown as STARTING", "RUNNING shown as RUNNING",
                "STOPPING shown as STOPPING", "STOPPED shown as STOPPED"), sent);
        assertEquals(List.of("added, shown: false", "STARTING shown as absent", "RUNNING shown as STARTING",
                "STOPPING shown as RUNNING", "STOPPED shown as STOPPING"), logged);
    }

    @Test
    void theEventsOfATaskThatFailsStillGoOut() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        spawner.bug = new IllegalStateException("a bug in the spawner");

        assertThrows(IllegalStateException.class, () -> supervisor.apply(desired(program("web").build())));
        loop.runPending();

        assertTrue(events.stream().anyMatch(e -> e instanceof Event.ProgramAdded), events.toString());
    }

    @Test
    void aConsumerThatThrowsDoesNotHoldBackTheEventsAfterIt() {
        List<String> sent = new ArrayList<>();
        Supervisor supervisor = new Supervisor(loop, loop.clock(), new ProcessLauncher(spawner, stateDir, MANIFESTS, Map.of("PATH", "/usr/bin:/bin")),
                event -> { }, (event, at) -> {
                    sent.add(event.toString());
                    if (event instanceof Event.ProgramAdded) {
                        throw new IllegalStateException("a bug in a consumer");
                    }
                }, OperatorIntent.inMemory());

        assertThrows(IllegalStateException.class, () -> supervisor.apply(desired(program("web").build())));

        assertEquals(2, sent.size(), sent.toString());
        assertTrue(sent.get(1).startsWith("web: STARTING"), sent.toString());
    }

    @Test
    void aConsumerThatActsOnTheSupervisorKeepsTheOrder() {
        List<String> sent = new ArrayList<>();
        Supervisor[] supervisor = new Supervisor[1];
        supervisor[0] = new Supervisor(loop, loop.clock(), new ProcessLauncher(spawner, stateDir, MANIFESTS, Map.of("PATH", "/usr/bin:/bin")),
                event -> { }, (event, at) -> {
                    sent.add(shown(supervisor[0], event));
                    if (event instanceof Event.ProgramAdded) {
                        supervisor[0].stop(List.of("web"), ActionTimeout.of(TIMEOUT));
                    }
                }, OperatorIntent.inMemory());

        loop.execute(() -> supervisor[0].apply(desired(program("web").build())));
        loop.runPending();

        assertEquals(List.of("added, shown: true", "STARTING shown as STOPPING", "STOPPING shown as STOPPING"), sent);
    }

    @Test
    void anOperatorActionGoesOutAfterTheEventsBeforeItAndBeforeTheOnesItCauses() {
        // The request used to be written to the history from the request thread, ahead of events the owner
        // had made but not yet sent: a crash could then be listed after the stop asked for because of it.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        events.clear();

        Child child = spawner.lastChildOf("web");
        child.dead = true;
        child.request.onExit().accept(ExitStatus.killedBy(9)); // the owner hears of it in a task of its own
        loop.execute(() -> {
            supervisor.recordOperatorActions(List.of(new Event.OperatorAction("process/web", "OperatorStop", "stop requested")));
            supervisor.stop(List.of("web"), ActionTimeout.of(TIMEOUT));
        });
        loop.runPending();

        assertEquals(List.of("EXITED", "STARTING", "process/web: stop requested", "STOPPING"),
                events.stream().map(SupervisorTest::brief).toList());
    }

    private static String brief(Event event) {
        if (event instanceof Event.ProcessStateChanged changed) {
            return changed.change().to().toString();
        }
        return event instanceof Event.ProgramAdded ? "added" : event.toString();
    }

    /** An event and what the published snapshot shows of its object at the moment. */
    private static String shown(Supervisor supervisor, Event event) {
        if (event instanceof Event.ProcessStateChanged changed) {
            String process = changed.change().process();
            return changed.change().to() + " shown as " + supervisor.processes().stream()
                    .filter(v -> v.name().equals(process)).map(v -> v.state().toString()).findFirst().orElse("absent");
        }
        if (event instanceof Event.ProgramAdded added) {
            return "added, shown: " + supervisor.snapshot().programs().stream().anyMatch(p -> p.spec().name().equals(added.program()));
        }
        return event.toString();
    }

    @Test
    void unknownProcessIsNoSuchProcess() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));

        for (CompletableFuture<List<Actions.Result>> future : List.of(supervisor.start(List.of("api"), ActionTimeout.of(TIMEOUT)),
                supervisor.stop(List.of("api"), ActionTimeout.of(TIMEOUT)), supervisor.restart(List.of("api"), ActionTimeout.of(TIMEOUT)),
                CompletableFuture.completedFuture(supervisor.signal(List.of("api"), SIGHUP)))) {
            Actions.Result result = only(future);
            assertFalse(result.ok());
            assertEquals(UNKNOWN, result.state());
            assertTrue(result.message().startsWith("no such process"), result.message());
        }
    }

    @Test
    void signalGoesToRunningProcessesOnly() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build(), program("off").autostart(false).build()));

        List<Actions.Result> results = supervisor.signal(List.of("web", "off"), SIGHUP);

        assertTrue(results.get(0).ok());
        assertEquals("sent SIGHUP", results.get(0).message());
        assertEquals(List.of(SIGHUP), spawner.lastChildOf("web").signals);
        assertFalse(results.get(1).ok());
        assertTrue(results.get(1).message().contains("not running"), results.get(1).message());
    }

    // ---- stopped by hand ----------------------------------------------------------------------------

    @Test
    void stopMarksStoppedByHandAndReapplyDoesNotStartIt() {
        OperatorIntent intent = OperatorIntent.inMemory();
        Supervisor supervisor = supervisor(intent);
        DesiredState state = desired(program("web").build(), program("api").build());
        applyAndRun(supervisor, state);

        stopByHand(supervisor, "web");

        assertTrue(intent.stoppedByHand("web"));
        assertTrue(view(supervisor, "web").stoppedByHand());
        int spawned = spawner.spawnCount();
        applyAndRun(supervisor, state);
        applyAndRun(supervisor, desired(program("web").build(), program("api").build()));
        assertEquals(STOPPED, state(supervisor, "web"));
        assertEquals(spawned, spawner.spawnCount(), "nothing spawned by a re-apply");
        assertEquals(RUNNING, state(supervisor, "api"));
    }

    @Test
    void aStopOfAProcessAlreadyDownShowsItStoppedByHandAtOnce() {
        // "already stopped" marked a FATAL process stopped by hand, but describe said no, readiness still counted it and
        // apply --dry-run said "FATAL", until some other process's transition published the mark
        OperatorIntent intent = OperatorIntent.inMemory();
        Supervisor supervisor = supervisor(intent);
        apply(supervisor, desired(program("web").startRetries(0).startSeconds(5).build()));
        spawner.lastChildOf("web").exit(ExitStatus.exited(1));
        assertEquals(FATAL, state(supervisor, "web"));
        assertFalse(view(supervisor, "web").stoppedByHand());

        Actions.Result result = only(supervisor.stop(List.of("web"), ActionTimeout.of(TIMEOUT)));

        assertEquals("not running (FATAL)", result.message(), "not \"already stopped\": it is down, not stopped");
        assertTrue(result.ok());
        assertTrue(intent.stoppedByHand("web"));
        assertTrue(view(supervisor, "web").stoppedByHand(), "the published view says so too");
    }

    @Test
    void stoppedByHandSurvivesADaemonRestart() {
        DesiredState state = desired(program("web").build(), program("api").build());
        Supervisor first = supervisor(OperatorIntent.load(stateDir));
        applyAndRun(first, state);
        stopByHand(first, "web");
        assertTrue(Files.exists(stateDir.resolve("stopped-by-hand")));

        // A new daemon: a new supervisor reading the same state directory.
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        Supervisor second = supervisor(reloaded);
        int spawned = spawner.spawnCount();
        applyAndRun(second, state);

        assertEquals(STOPPED, state(second, "web"));
        assertTrue(view(second, "web").stoppedByHand());
        assertEquals(RUNNING, state(second, "api"));
        assertEquals(spawned + 1, spawner.spawnCount(), "only api spawned");
        assertEquals(1, spawner.childrenOf("web").size(), "web not spawned again");
    }

    static Stream<Arguments> manifestChanges() {
        return Stream.of(
                Arguments.of("labels", (UnaryOperator<Specs>) s -> s.labels(Map.of("tier", "web"))),
                Arguments.of("environment", (UnaryOperator<Specs>) s -> s.environment(Map.of("PORT", "8080"))),
                Arguments.of("command", (UnaryOperator<Specs>) s -> s.command(SH, "-c", "exec sleep 2000")),
                Arguments.of("priority", (UnaryOperator<Specs>) s -> s.priority(10)),
                Arguments.of("startSeconds", (UnaryOperator<Specs>) s -> s.startSeconds(2)),
                Arguments.of("stopTimeoutSeconds", (UnaryOperator<Specs>) s -> s.stopTimeoutSeconds(3)),
                Arguments.of("restartPolicy", (UnaryOperator<Specs>) s -> s.restartPolicy(RestartPolicy.Always)),
                Arguments.of("restartBackoff", (UnaryOperator<Specs>) s -> s.restartBackoff(10, 300, 600)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestChanges")
    void stoppedByHandStartsAgainWhenItsManifestChanges(String field, UnaryOperator<Specs> change) {
        ProgramSpec before = program("web").build();
        ProgramSpec after = change.apply(Specs.from(before)).build();
        Supervisor first = supervisor(OperatorIntent.load(stateDir));
        applyAndRun(first, desired(before));
        stopByHand(first, "web");

        // across a daemon restart too
        OperatorIntent intent = OperatorIntent.load(stateDir);
        Supervisor supervisor = supervisor(intent);
        applyAndRun(supervisor, desired(before));
        assertEquals(STOPPED, state(supervisor, "web"));

        loop.execute(() -> supervisor.apply(desired(after)));
        loop.runPending();
        assertEquals(STARTING, state(supervisor, "web"), field + " changed: started");
        assertFalse(intent.stoppedByHand("web"));
        assertFalse(OperatorIntent.load(stateDir).stoppedByHand("web"), "cleared on disk too");
        loop.advanceSeconds(after.startSeconds());
        assertEquals(RUNNING, state(supervisor, "web"));
        assertEquals(2, spawner.childrenOf("web").size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestChanges")
    void stoppedByHandStartsWhenItsManifestChangedWhileTheDaemonWasDown(String field, UnaryOperator<Specs> change) {
        ProgramSpec before = program("web").build();
        ProgramSpec after = change.apply(Specs.from(before)).build();
        Supervisor first = supervisor(OperatorIntent.load(stateDir));
        applyAndRun(first, desired(before, program("api").build()));
        stopByHand(first, "web");
        stopByHand(first, "api");

        // the daemon is down; the manifest of web changes; a new daemon reads it
        OperatorIntent intent = OperatorIntent.load(stateDir);
        Supervisor second = supervisor(intent);
        applyAndRun(second, desired(after, program("api").build()));

        assertTrue(state(second, "web").isRunningGroup(), field + " changed meanwhile: started");
        assertFalse(OperatorIntent.load(stateDir).stoppedByHand("web"), "cleared on disk too");
        assertEquals(STOPPED, state(second, "api"), "its manifest did not change");
        assertTrue(intent.stoppedByHand("api"));
    }

    @Test
    void aMarkOfAProgramRemovedWhileTheDaemonWasDownIsGoneWhenItComesBack() {
        Supervisor first = supervisor(OperatorIntent.load(stateDir));
        applyAndRun(first, desired(program("web").build(), program("api").build()));
        stopByHand(first, "web");
        stopByHand(first, "api");

        // down; web.yaml removed; a new daemon reads the directory
        OperatorIntent intent = OperatorIntent.load(stateDir);
        Supervisor second = supervisor(intent);
        applyAndRun(second, desired(program("api").build()));
        assertFalse(intent.stoppedByHand("web"), "its program is gone: the mark with it");
        assertTrue(intent.stoppedByHand("api"));

        loop.execute(() -> second.apply(desired(program("web").build(), program("api").build()))); // web.yaml is back
        loop.runPending();
        assertEquals(STARTING, state(second, "web"), "starts afresh, as after a removal while the daemon runs");
    }

    @Test
    void aMarkIsKeptWhenAFileIsInErrorAtTheFirstPass() {
        Supervisor first = supervisor(OperatorIntent.load(stateDir));
        applyAndRun(first, desired(program("web").build()));
        stopByHand(first, "web");

        OperatorIntent intent = OperatorIntent.load(stateDir);
        Supervisor second = supervisor(intent);
        ManifestError broken = new ManifestError(stateDir.resolve("web.yaml"), 3, 1, "spec", "bad");
        loop.execute(() -> second.apply(new DesiredState(Map.of(), Map.of(), List.of(broken))));
        loop.runPending();

        assertTrue(intent.stoppedByHand("web"), "web may be in the broken file");
    }

    @Test
    void anInvalidFileSaysWhatRunsFromItMeanwhile() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        Path web = Path.of("/etc/steward/manifests/web.yaml");
        Path renamed = Path.of("/etc/steward/manifests/web-v2.yaml");
        Path fresh = Path.of("/etc/steward/manifests/new.yaml");
        ProgramSpec spec = program("web").build();
        applyAndRun(supervisor, desired(spec));
        events.clear();

        ManifestError webBroken = new ManifestError(web, 3, 1, "spec", "bad");
        ManifestError freshBroken = new ManifestError(fresh, 2, 1, "kind", "bad");
        apply(supervisor, new DesiredState(Map.of("web", spec), Map.of("web", web), List.of(webBroken, freshBroken)));
        // web.yaml renamed and broken in one scan: the new file holds web without ever having been valid
        ManifestError renamedBroken = new ManifestError(renamed, 3, 1, "spec", "bad");
        apply(supervisor, new DesiredState(Map.of("web", spec), Map.of("web", renamed), List.of(renamedBroken)));
        ManifestError renamedStillBroken = new ManifestError(renamed, 4, 1, "spec", "worse");
        apply(supervisor, new DesiredState(Map.of("web", spec), Map.of("web", renamed), List.of(renamedStillBroken)));
        apply(supervisor, desired(spec)); // fixed: web.yaml again
        apply(supervisor, new DesiredState(Map.of("web", spec), Map.of("web", web), List.of(webBroken)));

        assertEquals(List.of(freshBroken + " (nothing from this file runs until it is fixed)",
                        webBroken + " (the last good version stays in force)",
                        renamedBroken + " (the programs it took over keep running as they were)",
                        renamedStillBroken + " (the programs it took over keep running as they were)",
                        webBroken + " (the last good version stays in force)"),
                events.stream().filter(Event.ManifestInvalid.class::isInstance)
                        .map(e -> ((Event.ManifestInvalid) e).detail()).toList());
    }

    @Test
    void stoppedByHandInstanceStartsAgainWhenReplicasChange() {
        OperatorIntent intent = OperatorIntent.inMemory();
        Supervisor supervisor = supervisor(intent);
        applyAndRun(supervisor, desired(program("web").replicas(2).build()));
        stopByHand(supervisor, "web-1");

        applyAndRun(supervisor, desired(program("web").replicas(3).build()));

        assertEquals(RUNNING, state(supervisor, "web-0"));
        assertEquals(RUNNING, state(supervisor, "web-1"));
        assertEquals(RUNNING, state(supervisor, "web-2"));
        assertFalse(intent.stoppedByHand("web-1"));
    }

    @Test
    void stoppedByHandStaysStoppedWhenTheChangedManifestIsNotAutostart() {
        OperatorIntent intent = OperatorIntent.inMemory();
        Supervisor supervisor = supervisor(intent);
        applyAndRun(supervisor, desired(program("web").build()));
        stopByHand(supervisor, "web");

        applyAndRun(supervisor, desired(program("web").autostart(false).labels(Map.of("a", "b")).build()));

        assertEquals(STOPPED, state(supervisor, "web"));
        assertEquals(1, spawner.childrenOf("web").size());
    }

    // ---- restart ------------------------------------------------------------------------------------

    @Test
    void restartOfThreeProcessesGoesOneAtATime() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).build()));
        Child web0 = spawner.lastChildOf("web-0");
        Child web1 = spawner.lastChildOf("web-1");
        Child web2 = spawner.lastChildOf("web-2");

        CompletableFuture<List<Actions.Result>> future = supervisor.restart(List.of("web-0", "web-1", "web-2"), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(List.of(SIGTERM, SIGCONT), web0.signals);
        assertTrue(web1.signals.isEmpty());
        assertTrue(supervisor.processes().get(0).startsAgain(), "web-0 stops to start again");
        assertFalse(supervisor.processes().get(1).startsAgain());
        web0.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(STARTING, state(supervisor, "web-0"));
        assertTrue(web1.signals.isEmpty(), "web-1 waits until web-0 is RUNNING again");

        loop.advanceSeconds(1);
        assertEquals(RUNNING, state(supervisor, "web-0"));
        assertEquals(List.of(SIGTERM, SIGCONT), web1.signals, "web-1 signalled once web-0 is RUNNING");
        assertTrue(web2.signals.isEmpty());

        web1.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(List.of(SIGTERM, SIGCONT), web2.signals);
        assertFalse(future.isDone());

        web2.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertTrue(future.isDone());
        assertEquals(List.of(true, true, true), future.join().stream().map(Actions.Result::ok).toList());
        for (String name : List.of("web-0", "web-1", "web-2")) {
            assertEquals(2, spawner.childrenOf(name).size(), name);
        }
    }

    @Test
    void aRestartDuringARolloutTakesNoSecondProcessOfTheProgramDown() {
        // Two replicas: the rollout has web-1 down when `steward restart web` comes. Restarting web-0 then took the whole
        // program down, where each of the two promises one process down at a time.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(2).build()));
        apply(supervisor, desired(program("web").replicas(2).command(SH, "-c", "exec sleep 2000").build()));
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1); // the new web-0 is RUNNING: the rollout takes web-1 down
        Child web0 = spawner.lastChildOf("web-0");
        Child web1 = spawner.lastChildOf("web-1");
        assertEquals(STOPPING, state(supervisor, "web-1"));

        CompletableFuture<List<Actions.Result>> future = supervisor.restart(List.of("web-0", "web-1"), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertTrue(web0.signals.isEmpty(), "web-0 waits while web-1 comes back up");
        web1.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(999);
        assertEquals(STARTING, state(supervisor, "web-1"));
        assertTrue(web0.signals.isEmpty(), "web-0 waits while web-1 comes back up");
        loop.advanceMillis(1);
        assertEquals(List.of(SIGTERM, SIGCONT), web0.signals, "then web-0 goes");
        web0.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        spawner.lastChildOf("web-1").exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertTrue(future.isDone());
        assertEquals(List.of(true, true), future.join().stream().map(Actions.Result::ok).toList());
    }

    @Test
    void aRestartLeavesTheProgramsLaterProcessesRunningWhenOneDoesNotComeBack() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).startRetries(0).build()));
        Child web0 = spawner.lastChildOf("web-0");
        Child web1 = spawner.lastChildOf("web-1");
        Child web2 = spawner.lastChildOf("web-2");

        CompletableFuture<List<Actions.Result>> future = supervisor.restart(List.of("web-0", "web-1", "web-2"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        spawner.failNext(1); // web-0's new child cannot be spawned
        web0.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertTrue(future.isDone());
        List<Actions.Result> results = future.join();
        assertEquals(List.of(false, false, false), results.stream().map(Actions.Result::ok).toList());
        assertEquals(FATAL, state(supervisor, "web-0"), "no retries left");
        assertTrue(results.get(1).message().startsWith("not restarted: web-0 did not come back (BACKOFF), so it is left as it"
                + " was, RUNNING"), results.get(1).message());
        assertTrue(web1.signals.isEmpty() && web2.signals.isEmpty(), "the others keep serving");
        assertEquals(RUNNING, state(supervisor, "web-2"));
    }

    @Test
    void actionTimeoutCompletesNotOk() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").autostart(false).startSeconds(20).build()));

        CompletableFuture<List<Actions.Result>> future = supervisor.start(List.of("web"), ActionTimeout.of(Duration.ofSeconds(5)));
        loop.advanceSeconds(4);
        assertFalse(future.isDone());
        loop.advanceSeconds(1);

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertTrue(result.message().contains("timed out"), result.message());
    }

    // ---- shutdown -----------------------------------------------------------------------------------

    @Test
    void shutdownStopsPriorityLevelsHighestFirstWaitingForEach() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("db").priority(100).build(), program("app").priority(500).build(),
                program("web").priority(900).replicas(2).build(), program("cache").priority(500).build()));
        Child db = spawner.lastChildOf("db");
        Child app = spawner.lastChildOf("app");
        Child cache = spawner.lastChildOf("cache");
        Child web0 = spawner.lastChildOf("web-0");
        Child web1 = spawner.lastChildOf("web-1");

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();

        assertEquals(List.of(SIGTERM, SIGCONT), web0.signals);
        assertEquals(List.of(SIGTERM, SIGCONT), web1.signals);
        assertTrue(app.signals.isEmpty() && cache.signals.isEmpty() && db.signals.isEmpty(), "lower levels wait");

        web0.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(app.signals.isEmpty() && cache.signals.isEmpty(), "level 500 waits for all of level 900");

        web1.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(SIGTERM, SIGCONT), app.signals);
        assertEquals(List.of(SIGTERM, SIGCONT), cache.signals);
        assertTrue(db.signals.isEmpty());

        app.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(db.signals.isEmpty(), "level 100 waits for all of level 500");
        cache.exit(ExitStatus.exited(0));
        assertEquals(List.of(SIGTERM, SIGCONT), db.signals);
        assertFalse(done.isDone(), "not done before the last exit");

        db.exit(ExitStatus.killedBy(SIGTERM));

        assertTrue(done.isDone());
        assertEquals(1, spawner.childrenOf("web-0").size(), "nothing restarted during shutdown");
        supervisor.processes().forEach(p -> assertEquals(STOPPED, p.state(), p.name()));
    }

    @Test
    void nothingIsStartedOnceShutdownHasBegun() {
        // A process started then would outlive the daemon: nothing is left to stop it.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();
        spawner.lastChildOf("web").exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());

        Actions.Result started = only(supervisor.start(List.of("web"), ActionTimeout.of(TIMEOUT)));
        Actions.Result restarted = only(supervisor.restart(List.of("web"), ActionTimeout.of(TIMEOUT)));
        loop.runPending();

        assertEquals(1, spawner.spawnCount());
        for (Actions.Result result : List.of(started, restarted)) {
            assertFalse(result.ok());
            assertEquals(STOPPED, result.state());
            assertTrue(result.message().contains("shutting down"), result.message());
        }
    }

    @Test
    void aStopAskedForWhileTheFirstPassSpawnsStartsNoMorePrograms() {
        // The first pass spawns every program in one owner task (500 take about a second); a TERM meanwhile
        // reaches the owner only after it. The processes it had yet to start must not start, only to be stopped: the
        // other programs, and the other replicas of the program being spawned.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        spawner.onSpawn = supervisor::requestShutdown; // the signal arrives during the first spawn
        loop.execute(() -> supervisor.apply(desired(program("a").replicas(3).build(), program("b").build(), program("c").build())));
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> supervisor.shutdown().whenComplete((ok, error) -> done.complete(null)));
        loop.runPending();

        assertEquals(1, spawner.spawnCount(), "started after the stop was asked for: " + supervisor.processes());
        spawner.lastChildOf("a-0").exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
        supervisor.processes().forEach(p -> assertEquals(STOPPED, p.state(), p.name()));
    }

    @Test
    void aStopAskedForWhileStartAllSpawnsStartsNoMoreProcesses() {
        // `start all` spawns every process in one owner task too; the shutdown reaches the owner only after it.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).autostart(false).build()));
        spawner.onSpawn = supervisor::requestShutdown; // the signal arrives during the first spawn
        CompletableFuture<List<Actions.Result>> started = new CompletableFuture<>();
        loop.execute(() -> supervisor.start(List.of("web-0", "web-1", "web-2"), ActionTimeout.of(TIMEOUT)).thenAccept(started::complete));
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> supervisor.shutdown().whenComplete((ok, error) -> done.complete(null)));
        loop.runPending();

        assertEquals(1, spawner.spawnCount(), "started after the stop was asked for");
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
        supervisor.processes().forEach(p -> assertEquals(STOPPED, p.state(), p.name()));
        assertTrue(started.isDone());
        for (Actions.Result result : started.join().subList(1, 3)) {
            assertFalse(result.ok());
            assertTrue(result.message().contains("shutting down"), result.message());
        }
    }

    @Test
    void aRestartOfSeveralStartsNoMoreOnceShutdownHasBegun() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(2).build()));
        Child web0 = spawner.lastChildOf("web-0");
        Child web1 = spawner.lastChildOf("web-1");
        CompletableFuture<List<Actions.Result>> restarted = supervisor.restart(List.of("web-0", "web-1"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        web0.exit(ExitStatus.killedBy(SIGTERM)); // web-0 starts again; web-1 waits its turn

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();
        web1.exit(ExitStatus.killedBy(SIGTERM));
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM));
        loop.runPending();

        assertTrue(done.isDone());
        assertEquals(3, spawner.spawnCount(), "started after shutdown: " + supervisor.processes());
        assertTrue(restarted.isDone());
        Actions.Result web1Result = restarted.join().get(1);
        assertFalse(web1Result.ok());
        assertTrue(web1Result.message().contains("shutting down"), web1Result.message());
    }

    @Test
    void aRestartOfSeveralStartsNoProcessScaledAwayWhileItWaitedItsTurn() {
        // restart web-0 web-1 web-2 goes one at a time; web-2 scaled away meanwhile must not be started when its turn
        // comes: its program no longer has it, so nothing would list it or ever stop it (a child of nobody).
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).build()));
        CompletableFuture<List<Actions.Result>> restarted = supervisor.restart(List.of("web-0", "web-1", "web-2"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM)); // web-0 starts again; the others wait their turn

        apply(supervisor, desired(program("web").replicas(2).build()));
        spawner.lastChildOf("web-2").exit(ExitStatus.killedBy(SIGTERM)); // scaled away: stopped, and forgotten
        loop.advanceSeconds(1); // web-0 RUNNING: web-1's turn
        spawner.lastChildOf("web-1").exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1); // web-1 RUNNING: web-2's turn

        assertTrue(restarted.isDone());
        assertEquals(1, spawner.childrenOf("web-2").size(), "web-2 started after it was scaled away: " + supervisor.processes());
        Actions.Result web2 = restarted.join().get(2);
        assertFalse(web2.ok());
        assertEquals(STOPPED, web2.state());
        assertTrue(web2.message().startsWith("not restarted: it was removed meanwhile"), web2.message());
        assertFalse(web2.timedOut(), "decided, whatever its state: not a 504");
        assertEquals(List.of("web-0", "web-1"), supervisor.processes().stream().map(ProcessView::name).toList());
    }

    @Test
    void aRestartOfSeveralStartsNothingOfAProgramDeletedWhileItWaitedItsTurn() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(2).build()));
        CompletableFuture<List<Actions.Result>> restarted = supervisor.restart(List.of("web-0", "web-1"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM)); // web-0 STARTING again; web-1 waits its turn

        apply(supervisor, desired()); // its file removed: both stop, web-1 first
        spawner.lastChildOf("web-1").exit(ExitStatus.killedBy(SIGTERM));
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM)); // web-0's turn ends: web-1's comes
        loop.advanceSeconds(1);

        assertTrue(restarted.isDone());
        assertEquals(3, spawner.spawnCount(), "started after its program was deleted: " + supervisor.processes());
        assertEquals(List.of(), supervisor.processes());
        assertTrue(restarted.join().get(1).message().startsWith("not restarted: it was removed meanwhile"),
                restarted.join().get(1).message());
    }

    @Test
    void aRestartOfSeveralLeavesStoppedAProcessStoppedByHandWhileItWaitedItsTurn() {
        // `restart all` goes one at a time; `stop web-1` while web-0 restarts is the later word: web-1 stays stopped.
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(2).build()));
        CompletableFuture<List<Actions.Result>> restarted = supervisor.restart(List.of("web-0", "web-1"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        spawner.lastChildOf("web-0").exit(ExitStatus.killedBy(SIGTERM)); // web-0 STARTING again; web-1 waits its turn

        stopByHand(supervisor, "web-1");
        loop.advanceSeconds(1); // web-0 RUNNING: web-1's turn

        assertTrue(restarted.isDone());
        assertEquals(STOPPED, state(supervisor, "web-1"), "started again by the earlier restart: " + supervisor.processes());
        assertEquals(1, spawner.childrenOf("web-1").size());
        assertTrue(view(supervisor, "web-1").stoppedByHand(), "the stop is still remembered");
        Actions.Result web1 = restarted.join().get(1);
        assertFalse(web1.ok());
        assertTrue(web1.message().startsWith("not restarted: it was stopped by hand meanwhile"), web1.message());
        assertFalse(web1.timedOut(), "decided, whatever its state: not a 504");
    }

    /** {@code crash} (priority 100) restarted once at once, then waiting 10 s under restartBackoff; {@code slow} (900) runs. */
    private Supervisor crashWaitingTenSecondsBelowSlow() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("slow").priority(900).stopTimeoutSeconds(60).build(),
                program("crash").priority(100).startSeconds(0).restartPolicy(RestartPolicy.Always).restartBackoff(10, 300, 600).build()));
        spawner.lastChildOf("crash").exit(ExitStatus.exited(1));
        loop.advanceSeconds(1);
        spawner.lastChildOf("crash").exit(ExitStatus.exited(1));
        assertEquals(ProcessState.EXITED, state(supervisor, "crash"));
        assertEquals(Optional.of(loop.now().plusSeconds(10)), view(supervisor, "crash").restartAt(), "published for readers");
        assertEquals(2, spawner.childrenOf("crash").size());
        return supervisor;
    }

    @Test
    void shutdownStopsAtOnceARestartWaitingInALowerPriorityLevel() {
        Supervisor supervisor = crashWaitingTenSecondsBelowSlow();
        Child slow = spawner.lastChildOf("slow");

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();

        assertEquals(List.of(SIGTERM, SIGCONT), slow.signals);
        assertEquals(STOPPED, state(supervisor, "crash"), "it holds no child: nothing to wait for");
        assertTrue(view(supervisor, "crash").restartAt().isEmpty());
        loop.advanceSeconds(11);
        assertEquals(STOPPING, state(supervisor, "slow"));
        assertEquals(2, spawner.childrenOf("crash").size(), "not restarted while slow still stops");
        assertFalse(done.isDone());

        slow.exit(ExitStatus.killedBy(SIGTERM));

        assertTrue(done.isDone());
        assertEquals(2, spawner.childrenOf("crash").size());
    }

    @Test
    void shutdownStopsAtOnceARetryWaitingInALowerPriorityLevel() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("slow").priority(900).stopTimeoutSeconds(60).build()));
        spawner.failNext(1);
        loop.execute(() -> supervisor.apply(desired(program("slow").priority(900).stopTimeoutSeconds(60).build(),
                program("web").priority(100).build())));
        loop.runPending();
        assertEquals(BACKOFF, state(supervisor, "web"));

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();

        assertEquals(STOPPED, state(supervisor, "web"));
        loop.advanceSeconds(30);
        assertEquals(2, spawner.spawnCount(), "slow, and web's failed spawn: no retry while slow still stops");
        assertFalse(done.isDone());
        spawner.lastChildOf("slow").exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
    }

    @Test
    void aProcessOfALowerPriorityLevelThatExitsDuringShutdownIsNotRestarted() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("slow").priority(900).stopTimeoutSeconds(60).build(),
                program("app").priority(100).restartPolicy(RestartPolicy.Always).build()));
        loop.advanceSeconds(5);
        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();

        spawner.lastChildOf("app").exit(ExitStatus.exited(1));
        loop.advanceSeconds(5);

        assertEquals(ProcessState.EXITED, state(supervisor, "app"));
        assertEquals(1, spawner.childrenOf("app").size(), "ran 6 s: it would have restarted at once");
        spawner.lastChildOf("slow").exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
        assertEquals(1, spawner.childrenOf("app").size());
    }

    @Test
    void shutdownCompletesOnlyOnceItsLastEventsAreOut() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        List<String> sentWhenDone = new ArrayList<>();

        CompletableFuture<Void> done = supervisor.shutdown();
        done.thenRun(() -> events.forEach(e -> sentWhenDone.add(e.toString())));
        loop.runPending();
        spawner.lastChildOf("web").exit(ExitStatus.killedBy(SIGTERM));

        assertTrue(done.isDone());
        assertTrue(sentWhenDone.stream().anyMatch(e -> e.startsWith("web: STOPPED")), sentWhenDone.toString());
    }

    @Test
    void shutdownWaitsPastTheStopTimeoutForTheExit() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").stopTimeoutSeconds(10).build()));
        Child web = spawner.lastChildOf("web");

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.advanceSeconds(10);

        assertEquals(List.of(SIGTERM, SIGCONT, 9), web.signals, "SIGKILL after stopTimeoutSeconds");
        assertEquals(STOPPING, state(supervisor, "web"));
        assertFalse(done.isDone());
        web.exit(ExitStatus.killedBy(9));
        assertTrue(done.isDone());
    }

    @Test
    void shutdownWaitsForTheRestOfAStoppedProcesssGroupBeforeTheNextLevel() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").priority(900).stopAsGroup(true).killAsGroup(true).stopTimeoutSeconds(10).build(),
                program("db").priority(100).build()));
        Child web = spawner.lastChildOf("web");
        Child db = spawner.lastChildOf("db");
        web.groupMembers = true; // a grandchild that ignores SIGTERM

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();
        web.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(9);

        assertEquals(STOPPING, state(supervisor, "web"), "its group still runs");
        assertTrue(db.signals.isEmpty(), "the lower level waits for it");
        assertFalse(done.isDone());

        loop.advanceSeconds(1);
        assertEquals(List.of(SIGTERM, SIGCONT, 9), web.signals, "SIGKILL to the group at stopTimeoutSeconds");
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        assertEquals(STOPPED, state(supervisor, "web"));
        assertEquals(List.of(SIGTERM, SIGCONT), db.signals);
        db.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
    }

    @Test
    void shutdownWithNothingRunningCompletesAtOnce() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("off").autostart(false).build()));

        assertTrue(supervisor.shutdown().isDone());
    }

    @Test
    void shutdownOfAProcessInBackoffCompletesAtOnce() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        spawner.failNext(1);
        loop.execute(() -> supervisor.apply(desired(program("web").build())));
        loop.runPending();
        assertEquals(BACKOFF, state(supervisor, "web"));

        CompletableFuture<Void> done = assertDoesNotThrow(supervisor::shutdown);

        assertTrue(done.isDone());
        assertEquals(STOPPED, state(supervisor, "web"));
        loop.advanceSeconds(10);
        assertEquals(1, spawner.spawnCount(), "no retry after shutdown");
    }

    @Test
    void shutdownStillWaitsForEachLevelWhenAHigherLevelStopsAtOnce() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("db").priority(100).build(), program("app").priority(500).build()));
        spawner.failNext(1);
        loop.execute(() -> supervisor.apply(desired(program("db").priority(100).build(),
                program("app").priority(500).build(), program("web").priority(900).build())));
        loop.runPending();
        assertEquals(BACKOFF, state(supervisor, "web"));
        Child app = spawner.lastChildOf("app");
        Child db = spawner.lastChildOf("db");

        CompletableFuture<Void> done = assertDoesNotThrow(supervisor::shutdown);
        loop.runPending();

        assertEquals(STOPPED, state(supervisor, "web"));
        assertEquals(List.of(SIGTERM, SIGCONT), app.signals);
        assertTrue(db.signals.isEmpty(), "db (priority 100) waits for app (priority 500)");
        assertFalse(done.isDone());

        app.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(SIGTERM, SIGCONT), db.signals);
        assertFalse(done.isDone());
        db.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
    }

    @Test
    void shutdownDoesNotCompleteBeforeTheLastExitWhenAHigherLevelStopsAtOnce() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("db").priority(100).build()));
        spawner.failNext(1);
        loop.execute(() -> supervisor.apply(desired(program("db").priority(100).build(),
                program("web").priority(900).build())));
        loop.runPending();
        assertEquals(BACKOFF, state(supervisor, "web"));
        Child db = spawner.lastChildOf("db");

        CompletableFuture<Void> done = assertDoesNotThrow(supervisor::shutdown);
        loop.runPending();

        assertEquals(List.of(SIGTERM, SIGCONT), db.signals);
        assertEquals(STOPPING, state(supervisor, "db"));
        assertFalse(done.isDone(), "db is still stopping");
        db.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
    }

    @Test
    void aProcessBeyondTheReplicasOfAScaleDownIsShownAsGoingUntilItIsWantedAgain() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").replicas(3).stopTimeoutSeconds(60).build()));
        apply(supervisor, desired(program("web").replicas(1).stopTimeoutSeconds(60).build()));
        assertEquals(List.of("web RUNNING NONE", "web-1 STOPPING SCALED_DOWN", "web-2 STOPPING SCALED_DOWN"),
                supervisor.processes().stream().map(p -> p.name() + " " + p.state() + " " + p.removal()).toList());

        apply(supervisor, desired(program("web").replicas(2).stopTimeoutSeconds(60).build()));
        assertEquals(List.of("web-0 RUNNING NONE false", "web-1 STOPPING NONE true", "web-2 STOPPING SCALED_DOWN false"),
                supervisor.processes().stream().map(p -> p.name() + " " + p.state() + " " + p.removal() + " "
                        + p.startsAgain()).toList(), "web-1 is wanted again: it starts once stopped");
        spawner.lastChildOf("web-2").exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of("web-0", "web-1"), supervisor.processes().stream().map(ProcessView::name).toList());
    }

    /** Runs program dd, then removes it: its process stops (within 60 s); returns that process. */
    private Child ddRemovedAndStopping(Supervisor supervisor) {
        applyAndRun(supervisor, desired(program("dd").stopTimeoutSeconds(60).build()));
        Child first = spawner.lastChildOf("dd");
        loop.execute(() -> supervisor.apply(desired()));
        loop.runPending();
        return first;
    }

    @Test
    void aProgramAddedBackWhileItsNamesakeStillStopsStartsOnceThatIsGone() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        Child first = ddRemovedAndStopping(supervisor);
        assertEquals(List.of(SIGTERM, SIGCONT), first.signals, "removed: stopping");
        assertEquals(ProcessView.Removal.REMOVED, supervisor.processes().get(0).removal());

        ProgramSpec restored = program("dd").stopTimeoutSeconds(60).environment(Map.of("V", "2")).build();
        loop.execute(() -> supervisor.apply(desired(restored)));
        loop.runPending();
        assertEquals(1, spawner.childrenOf("dd").size(), "no second dd while the first still runs");
        assertEquals(List.of("dd"), supervisor.processes().stream().map(ProcessView::name).toList());
        assertEquals(ProcessView.Removal.REPLACED, supervisor.processes().get(0).removal(), "its successor waits");
        Supervisor.ProgramSnapshot waiting = supervisor.snapshot().programs().get(0);
        assertEquals(List.of("dd"), supervisor.snapshot().programs().stream().map(p -> p.spec().name()).toList(),
                "in force while it waits: listed, so that `delete` and `describe` find it");
        assertTrue(waiting.waiting());
        assertEquals(List.of(), waiting.processes(), "the stopping process is its removed namesake's, not its own");
        assertEquals("2", waiting.spec().environment().get("V"));
        loop.execute(() -> supervisor.apply(desired(restored))); // a resync meanwhile
        loop.runPending();
        List<Event.ProgramAdded> announced = events.stream().filter(Event.ProgramAdded.class::isInstance)
                .map(Event.ProgramAdded.class::cast).toList();
        assertEquals(2, announced.size(), "added at first, then once as waiting: " + announced);
        assertTrue(announced.get(1).waiting());
        assertTrue(announced.get(1).toString().endsWith("starts once the processes of the removed dd have stopped"),
                announced.get(1).toString());

        first.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(2, events.stream().filter(Event.ProgramAdded.class::isInstance).count(), "not announced again");

        assertEquals(2, spawner.childrenOf("dd").size(), "started once the first is gone");
        assertEquals("2", spawner.lastChildOf("dd").request.environment().get("V"), "with the spec in force now");
        assertEquals(STARTING, state(supervisor, "dd"));
        loop.runPending();
        Supervisor.ProgramSnapshot started = supervisor.snapshot().programs().get(0);
        assertFalse(started.waiting());
        assertEquals(List.of("dd"), started.processes().stream().map(ProcessView::name).toList());
    }

    @Test
    void aProgramWaitingForItsNamesakeCanBeStoppedBeforeItStartsButNotStarted() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        Child first = ddRemovedAndStopping(supervisor);
        loop.execute(() -> supervisor.apply(desired(program("dd").stopTimeoutSeconds(60).build())));
        loop.runPending();

        Actions.Result start = only(supervisor.start(List.of("dd"), ActionTimeout.of(TIMEOUT)));
        assertFalse(start.ok());
        assertEquals("dd", start.program());
        assertTrue(start.message().startsWith("not started yet: program dd starts it once the processes of the removed"
                + " program of its name have stopped"), start.message());

        Actions.Result stop = only(supervisor.stop(List.of("dd"), ActionTimeout.of(TIMEOUT)));
        assertTrue(stop.ok(), stop.message());
        assertEquals(STOPPED, stop.state());
        first.exit(ExitStatus.killedBy(SIGTERM));
        loop.runPending();
        assertEquals(1, spawner.childrenOf("dd").size(), "stopped by hand before it started: it stays stopped");
        assertEquals(STOPPED, state(supervisor, "dd"));

        supervisor.start(List.of("dd"), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        assertEquals(2, spawner.childrenOf("dd").size(), "started by hand");
    }

    @Test
    void aProgramAddedBackAndRemovedAgainWhileWaitingNeverStarts() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("dd").stopTimeoutSeconds(60).build()));
        Child first = spawner.lastChildOf("dd");
        loop.execute(() -> supervisor.apply(desired()));
        loop.execute(() -> supervisor.apply(desired(program("dd").build())));
        loop.execute(() -> supervisor.apply(desired()));
        loop.runPending();

        first.exit(ExitStatus.killedBy(SIGTERM));

        assertEquals(1, spawner.childrenOf("dd").size());
        assertTrue(supervisor.processes().isEmpty());
        assertEquals(List.of(), supervisor.snapshot().programs(), "no longer listed as waiting");
        assertEquals(2, events.stream().filter(Event.ProgramRemoved.class::isInstance).count(),
                "removed, and removed again while it waited");
    }

    @Test
    void shutdownStopsDeletedProgramsFirst() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("old").priority(1).stopTimeoutSeconds(60).build(),
                program("web").priority(900).build()));
        Child old = spawner.lastChildOf("old");
        Child web = spawner.lastChildOf("web");
        loop.execute(() -> supervisor.apply(desired(program("web").priority(900).build())));
        loop.runPending();
        assertEquals(List.of(SIGTERM, SIGCONT), old.signals, "removed program is stopping");

        CompletableFuture<Void> done = supervisor.shutdown();
        loop.runPending();
        assertTrue(web.signals.isEmpty(), "waits for the removed program's process first");

        old.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(SIGTERM, SIGCONT), web.signals);
        web.exit(ExitStatus.killedBy(SIGTERM));
        assertTrue(done.isDone());
    }

    @Test
    void applyAfterShutdownDoesNothing() {
        Supervisor supervisor = supervisor(OperatorIntent.inMemory());
        applyAndRun(supervisor, desired(program("web").build()));
        supervisor.shutdown();
        spawner.lastChildOf("web").exit(ExitStatus.killedBy(SIGTERM));

        applyAndRun(supervisor, desired(program("web").build(), program("api").build()));

        assertTrue(supervisor.slot("api").isEmpty());
        assertEquals(1, spawner.spawnCount());
        assertEquals(STOPPED, state(supervisor, "web"));
    }
}
