package dev.steward.daemon;

import dev.steward.events.EventHistory;
import dev.steward.logs.LogFileProblems;
import dev.steward.logs.LogFileTable;
import dev.steward.logs.TailMemory;
import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.ManifestSource;
import dev.steward.supervise.ChildLedger;
import dev.steward.supervise.LeftoverChildren;
import dev.steward.supervise.OperatorIntent;
import dev.steward.supervise.OwnerLoop;
import dev.steward.supervise.PosixSpawner;
import dev.steward.supervise.ProcessLauncher;
import dev.steward.supervise.ProcessView;
import dev.steward.supervise.Supervisor;
import dev.steward.supervise.ThreadOwnerLoop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The supervision engine without Quarkus: the state-directory lock, the owner thread, the supervisor
 * and the manifest watch. {@code steward serve} starts it before Quarkus boots ({@link #startEarly}),
 * so children are running while the HTTP side is still loading; the {@link Daemon} bean adopts it,
 * or starts one itself where Quarkus boots without our main (tests).
 */
public final class Engine {
    /**
     * A log file that cannot be written is said in the daemon's own log, where an operator looks, once until it can.
     * The lines are written by the supervision owner ({@code owner}), never by the thread that drains the children's
     * pipes: the daemon's stdout may block (a stalled container log on a full disk), and the children would block
     * with it.
     */
    private static LogFileProblems logFileProblems(Executor owner) {
        return new LogFileProblems() {
            @Override
            public void cannotWrite(String message) {
                say(() -> Console.warn(message));
            }

            @Override
            public void writtenAgain(Path file) {
                say(() -> Console.info("log file " + file + " is written again"));
            }

            private void say(Runnable line) {
                try {
                    owner.execute(line);
                } catch (RejectedExecutionException e) {
                    // the daemon has stopped: nobody is left to read it
                }
            }
        };
    }

    /** How long pid 1 waits for the orphans it sends SIGTERM once its programs have stopped: s6-overlay waits 3 s. */
    private static final long ORPHAN_GRACE_SECONDS = 5;

    private static Engine early; // guarded by Engine.class: a signal during startEarly waits for it

    private final EngineSettings settings;
    private final StateDirLock lock;
    private final ChildLedger ledger;
    private final PosixSpawner spawner;
    private final Supervisor supervisor;
    private final ManifestSource source;
    private final EventHistory history;
    private final CompletableFuture<Void> firstPass;
    private CompletableFuture<Void> stopped;

    private Engine(EngineSettings settings, StateDirLock lock, ChildLedger ledger, PosixSpawner spawner, Supervisor supervisor,
                   ManifestSource source, EventHistory history, CompletableFuture<Void> firstPass) {
        this.firstPass = firstPass;
        this.settings = settings;
        this.lock = lock;
        this.ledger = ledger;
        this.spawner = spawner;
        this.supervisor = supervisor;
        this.source = source;
        this.history = history;
    }

    /**
     * Locks the state directory, reads the manifests and starts supervising.
     *
     * @throws EngineStartException naming what is wrong and what to do
     */
    public static Engine start(EngineSettings settings) {
        return start(settings, false, () -> false, () -> { });
    }

    /**
     * @param stopRequested whether the daemon has been asked to stop meanwhile: then, once the processes a killed
     *                      predecessor left are stopped, nothing is started ({@link StopRequestedException})
     * @param lockedCheck   run once the state directory is locked (a second daemon on it is told so first) and before
     *                      anything is stopped or started: what it throws ends the start
     */
    private static Engine start(EngineSettings settings, boolean firstScanInBackground, BooleanSupplier stopRequested,
                                Runnable lockedCheck) {
        Path stateDir = settings.stateDir().toAbsolutePath();
        StateDirLock lock;
        try {
            lock = StateDirLock.acquire(stateDir);
        } catch (IOException e) {
            throw new EngineStartException("cannot lock the state directory " + stateDir + ": " + e.getMessage(), e);
        }
        try {
            lockedCheck.run();
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        LeftoverReport leftovers = new LeftoverReport(Clock.systemUTC());
        ChildLedger ledger = ChildLedger.begin(stateDir, stopLeftovers(stateDir, leftovers), Console::warn, Console::info);
        if (stopRequested.getAsBoolean()) {
            // Asked to stop while the previous daemon's processes were being stopped: they have been, as a stop would
            // stop them; starting the programs only to stop them again would take as long once more. Or asked before
            // anything was read, with nothing left by a previous daemon: then there is nothing to say of one.
            Console.info(leftovers.occurrences().isEmpty() ? "asked to stop while starting: nothing was started"
                    : "asked to stop while the previous daemon's processes were being stopped: they are stopped, and"
                    + " nothing else was started");
            closeQuietly(lock);
            throw new StopRequestedException();
        }
        OwnerLoop loop = new ThreadOwnerLoop();
        loop.execute(PosixSpawner::prepare); // meanwhile the watch thread reads the manifests
        // os.path.abspath, as supervisord's %(here)s: absolute and normalized, not resolved through symbolic links
        Path manifests = settings.manifests().toAbsolutePath().normalize();
        PosixSpawner spawner = new PosixSpawner();
        ProcessLauncher launcher = new ProcessLauncher(spawner, stateDir, manifests, childEnvironment(), ledger,
                TailMemory.quarterOfHeap(), new LogFileTable(logFileProblems(loop::execute)));
        EventHistory history = new EventHistory(Clock.systemUTC());
        leftovers.occurrences().forEach(occurrence -> history.accept(occurrence.event(), occurrence.at()));
        Supervisor supervisor = new Supervisor(loop, Clock.systemUTC(), launcher, new ConsoleEventLog(loop::execute), history::accept,
                OperatorIntent.load(stateDir, Console::warn, Console::info));
        history.boundBy(() -> {
            Supervisor.Snapshot now = supervisor.snapshot();
            return now.programs().size() + now.processes().size();
        });
        CompletableFuture<Void> firstPass = new CompletableFuture<>();
        ManifestSource source = new ManifestSource(manifests, new ManifestLoader(), desired -> loop.execute(() -> {
            try {
                supervisor.apply(desired);
            } finally {
                firstPass.complete(null);
            }
        }), settings.debounce(), settings.resync(), Console::warn, Console::info);
        Console.info("watching " + manifests + ", state in " + stateDir);
        boolean existed = Files.isDirectory(manifests);
        try {
            if (firstScanInBackground) {
                source.startInBackground();
            } else {
                source.start();
            }
        } catch (IOException e) {
            loop.execute(ledger::close); // no manifest was read, so no child started
            closeQuietly(lock);
            throw new EngineStartException(manifestDirectoryProblem(manifests, e, Path.of("/proc/sys/fs/inotify")), e);
        }
        if (!existed) {
            // Created so that "drop a manifest, it runs" works from the first start; but a mistyped path would
            // otherwise supervise nothing without a word.
            Console.warn("the manifest directory " + manifests + " did not exist: created it, empty; put manifests"
                    + " there, or restart with --manifests DIR if the path is mistyped");
        }
        return new Engine(settings, lock, ledger, spawner, supervisor, source, history, firstPass);
    }

    /**
     * Why the manifest directory cannot be read or watched, and what to do. The watch is refused when the user's
     * inotify instances or watches are all taken (by other daemons, editors, IDEs): then the directory is fine, and
     * the limit is what to raise.
     *
     * @param inotifyLimits where the limits are read ({@code /proc/sys/fs/inotify}), to name the current one
     */
    static String manifestDirectoryProblem(Path manifests, IOException e, Path inotifyLimits) {
        String message = String.valueOf(e.getMessage());
        String limit = message.contains("inotify instances") ? "max_user_instances"
                : message.contains("inotify watches") ? "max_user_watches" : null;
        if (limit == null) {
            return "cannot read the manifest directory " + manifests + " (" + message + "); create it or pass --manifests DIR";
        }
        String now;
        String more;
        try {
            now = Files.readString(inotifyLimits.resolve(limit)).trim();
            more = String.valueOf(Math.max(1024, 2 * Long.parseLong(now)));
        } catch (IOException | RuntimeException unreadable) {
            now = "unknown";
            more = "<more>";
        }
        return "cannot watch the manifest directory " + manifests + " (" + message + "): the daemon's user has reached"
                + " fs.inotify." + limit + " (" + now + "), shared by every program of that user that watches files;"
                + " raise it (sysctl -w fs.inotify." + limit + "=" + more + ", and in /etc/sysctl.d/ to keep it), or"
                + " end some of those programs (find /proc/*/fd -lname anon_inode:inotify lists them)";
    }

    /**
     * The daemon's environment, which children inherit, without what bin/steward set for this JVM alone: it moves
     * the JVM's internal suspend signal off SIGUSR2 (see Main), and a Java child need not inherit that; nor the
     * API's token, which would let any program control the daemon over TCP.
     */
    private static Map<String, String> childEnvironment() {
        return childEnvironment(InheritedEnvironment.read()); // as UTF-8, whatever the locale
    }

    /**
     * The daemon's environment less what is the daemon's alone: the JVM's suspend signal, and every variable it may read
     * the API's token from, whoever holds which may have any command run as the daemon's user (a program run as a less
     * privileged one, {@code spec.user}, would): {@code STEWARD_TOKEN} in any of its spellings, its profile forms
     * ({@code _PROD_STEWARD_TOKEN} is {@code %prod.steward.token} to Quarkus) and bin/steward's {@code STEWARD_JAVA_OPTS},
     * where {@code -Dsteward.token} counts as a flag.
     */
    static Map<String, String> childEnvironment(Map<String, String> inherited) {
        Map<String, String> environment = new HashMap<>(inherited);
        environment.remove("_JAVA_SR_SIGNUM");
        environment.remove("STEWARD_JAVA_OPTS");
        environment.keySet().removeIf(Engine::holdsTheToken);
        return environment;
    }

    /**
     * Whether Quarkus reads {@code steward.token}, or a profile's, from a variable of this name: its configuration matches
     * a variable's name to a key whatever the case, with {@code _} for any other character than a letter or digit, so
     * {@code steward_token}, {@code Steward_Token} and {@code %prod.steward.token} set the token too.
     */
    static boolean holdsTheToken(String name) {
        String key = name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return key.equals("STEWARD_TOKEN") || key.startsWith("_") && key.endsWith("_STEWARD_TOKEN");
    }

    /**
     * Stops what a daemon killed before this one left running ({@link LeftoverChildren}).
     *
     * @return those still there even after SIGKILL, for this daemon's ledger to keep
     */
    private static List<ChildLedger.Entry> stopLeftovers(Path stateDir, LeftoverReport report) {
        try {
            return LeftoverChildren.stopAll(stateDir, report);
        } catch (IOException | RuntimeException e) {
            String kept;
            try {
                kept = "moved it to " + ChildLedger.setAside(stateDir, "unreadable");
            } catch (IOException notMoved) {
                kept = "and cannot move it aside (" + notMoved.getMessage() + ")";
            }
            Console.warn("cannot read " + stateDir.resolve("children") + ", the previous daemon's list of its children (" + e
                    + "); " + kept + ". If that daemon left processes running, they run on beside the new ones: look for them"
                    + " with `ps -eo pid,pgid,lstart,args` and stop them by hand");
            return List.of();
        }
    }

    /**
     * Starts the engine for {@code steward serve}, ahead of Quarkus; {@link #early()} hands it over. The
     * manifests are read on the watch thread, so Quarkus boots meanwhile.
     *
     * @param lockedCheck what must hold before anything starts, checked once the state directory is locked (the
     *                    HTTP address is free)
     */
    public static synchronized Engine startEarly(EngineSettings settings, BooleanSupplier stopRequested, Runnable lockedCheck) {
        early = start(settings, true, stopRequested, lockedCheck);
        return early;
    }

    /** The engine {@code steward serve} started before Quarkus, if any. */
    public static synchronized Optional<Engine> early() {
        return Optional.ofNullable(early);
    }

    /** Completes when the first reconcile pass has run: every autostart process has been spawned. */
    public CompletableFuture<Void> firstPass() {
        return firstPass;
    }

    public EngineSettings settings() {
        return settings;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    /** Why the manifest directory cannot be read now ({@link ManifestSource#directoryProblem()}). */
    public Optional<String> manifestDirectoryProblem() {
        return source.directoryProblem();
    }

    public EventHistory history() {
        return history;
    }

    /**
     * SIGHUP, a service manager's reload: the manifest directory is read again at once (it is watched anyway, so
     * this only matters for a change the watch cannot see, such as a file behind a symbolic link) and the log files
     * are reopened. Nothing that did not change restarts; supervisord's reload restarts everything instead.
     */
    public void reload() {
        boolean shuttingDown;
        synchronized (this) {
            shuttingDown = stopped != null;
        }
        // Once shutting down, the watch is closed and nothing would start: "to stop the daemon, send TERM" misled then.
        Console.info(shuttingDown ? "SIGHUP: reopening the log files; the daemon is shutting down, so the manifest directory"
                + " is not read again" : "SIGHUP: reading the manifest directory again and reopening the log files (nothing"
                + " restarts unless its manifest changed; to stop the daemon, send TERM)");
        supervisor.loop().execute(supervisor::reopenLogs);
        try {
            source.rescan(); // nothing once shutdown has closed it
        } catch (RuntimeException e) {
            Console.warn("SIGHUP: reading the manifest directory failed: " + e + "; the watch and the 30 s re-list go on");
        }
    }

    /**
     * Reads the manifest directory now, on the calling thread, and hands any change to the owner, as the watcher
     * would a moment later: for a caller that must see a file just written in force. Nothing once shut down.
     */
    public void rereadManifests() {
        source.rescan();
    }

    /** SIGUSR2 (Supervisor's) or SIGUSR1: every log file is opened again at its path by its next output. */
    public void reopenLogs(String signal) {
        Console.info("SIG" + signal + ": reopening the log files (output goes on into a file at each log path, created"
                + " if logrotate moved it away)");
        supervisor.loop().execute(supervisor::reopenLogs);
    }

    /** Stops watching and stops every program; completes when no child is left. Idempotent. */
    public synchronized CompletableFuture<Void> shutdown() {
        if (stopped == null) {
            // First: a first pass or a `start all` spawning on the owner now starts no more processes (closing the watch
            // takes a while, and hundreds were spawned meanwhile).
            supervisor.requestShutdown();
            Console.info("shutting down: stopping all programs, highest priority number first");
            source.close();
            CompletableFuture<Void> done = new CompletableFuture<>();
            supervisor.loop().execute(() -> supervisor.shutdown().whenComplete((ok, error) -> {
                if (error == null) {
                    ledger.close(); // on the owner, which completes the shutdown; no child is left to stop
                }
                done.complete(null);
            }));
            stopped = done.thenRun(() -> {
                closeQuietly(lock);
                Console.info("all programs stopped");
            }).thenCompose(programsStopped -> PosixSpawner.isInit() ? endOrphans() : programsStopped());
        }
        return stopped;
    }

    /**
     * A stop asked for again while the programs stop (TERM twice, Ctrl-C twice): says what the daemon waits for, as
     * supervisord logs each such signal; the stop goes on as it was. False when no shutdown is under way.
     */
    public synchronized boolean stopAskedAgain(String signal) {
        if (stopped == null || stopped.isDone()) {
            return false;
        }
        int left = 0;
        for (ProcessView process : supervisor.processes()) {
            left += process.state().isStoppedGroup() ? 0 : 1;
        }
        Console.info("SIG" + signal + " again: still shutting down, " + (left == 0
                ? "the programs stopped; what they left behind is being ended"
                : left + (left == 1 ? " process" : " processes") + " left to stop (`steward get processes` shows them);"
                + " each gets SIGKILL once its stopTimeoutSeconds have passed"));
        return true;
    }

    private static CompletableFuture<Void> programsStopped() {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Pid 1 (a container's main process), its programs stopped: the processes left, orphans that outlived their program
     * (a {@code sh -c 'worker &'} stopped without {@code stopAsGroup}), are sent SIGTERM and given a few seconds before
     * the kernel ends them with SIGKILL as pid 1 exits; on a thread of its own, so that the owner goes on answering.
     */
    private CompletableFuture<Void> endOrphans() {
        List<ProcessHandle> orphans = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
        if (orphans.isEmpty()) {
            return programsStopped();
        }
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            Console.info((orphans.size() == 1 ? "1 process outlived its program (" : orphans.size()
                    + " processes outlived their programs (") + describe(orphans) + "): sending SIGTERM to every process"
                    + " left, as pid 1 does before it exits, and waiting up to " + ORPHAN_GRACE_SECONDS + " s for them");
            try {
                if (!spawner.endOrphans(TimeUnit.SECONDS.toMillis(ORPHAN_GRACE_SECONDS))) {
                    List<ProcessHandle> left = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
                    Console.warn("still running " + ORPHAN_GRACE_SECONDS + " s after SIGTERM, ended with SIGKILL as pid 1 exits: "
                            + describe(left) + "; to stop a program's own children with it, give it stopAsGroup: true");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended.complete(null);
        }, "steward-orphans");
        thread.setDaemon(true);
        thread.start();
        return ended;
    }

    private static String describe(List<ProcessHandle> processes) {
        List<String> shown = new ArrayList<>();
        for (ProcessHandle process : processes.subList(0, Math.min(5, processes.size()))) {
            shown.add("pid " + process.pid() + " " + process.info().commandLine().orElse("?"));
        }
        return String.join(", ", shown) + (processes.size() > shown.size() ? ", ..." : "");
    }

    private static void closeQuietly(StateDirLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            Console.warn("could not release the state directory lock: " + e.getMessage());
        }
    }

    /** Asked to stop before the engine started anything: nothing runs, and the state directory is unlocked. */
    public static final class StopRequestedException extends RuntimeException {
        StopRequestedException() {
            super("asked to stop before anything started", null, false, false);
        }
    }

    /** The engine could not start; the message says why and what to do. */
    public static final class EngineStartException extends RuntimeException {
        EngineStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
