package dev.steward.supervise;

import dev.steward.logs.LogFileTable;
import dev.steward.logs.LogSink;
import dev.steward.logs.TailMemory;
import dev.steward.manifest.EnvironmentNames;
import dev.steward.manifest.Expansions;
import dev.steward.manifest.LogsSpec;
import dev.steward.manifest.LogsSpec.StreamLogSpec;
import dev.steward.manifest.ProgramSpec;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The production {@link Launcher}: builds argv, environment, working directory and log sinks from a
 * slot's spec and hands them to the {@link Spawner}. Log sinks live as long as their slot, so the
 * in-memory tail survives restarts. Owner thread only.
 */
public final class ProcessLauncher implements Launcher {
    private static final Path SH = Path.of("/bin/sh");
    private static final Path BASH = Path.of("/bin/bash");
    private final Spawner spawner;
    private final Path stateDir;
    private final ProcessExpansions expansions;
    private final ChildLedger ledger;
    private final TailMemory tailMemory;
    private final LogFileTable logFiles;
    private final Map<ProcessSlot, SlotLogs> logs = new IdentityHashMap<>();
    private final Map<ProcessSlot, List<String>> commands = new IdentityHashMap<>(); // as each slot's last start got it

    /** The open log sinks of one slot. */
    public record SlotLogs(LogSink stdout, Optional<LogSink> stderr) {
        void close() {
            stdout.close();
            stderr.ifPresent(LogSink::close);
        }

        void abandonRun() {
            stdout.abandonRun();
            stderr.ifPresent(LogSink::abandonRun);
        }

        /** The files these sinks write. */
        LogPaths paths() {
            return new LogPaths(stdout.file(), stderr.flatMap(LogSink::file));
        }
    }

    public ProcessLauncher(Spawner spawner, Path stateDir, Path manifests, Map<String, String> daemonEnvironment) {
        this(spawner, stateDir, manifests, daemonEnvironment, ChildLedger.none(), TailMemory.unlimited(), new LogFileTable());
    }

    /**
     * @param manifests  the watched manifest directory, absolute, as the daemon was given it: what {@code %(here)s}
     *                   names. Every program comes from a file directly in it (the watch does not recurse), and one
     *                   applied through the API is written there before it runs, so this is each program's manifest
     *                   directory; a value is expanded only here, at its start, so nothing has to know it before the
     *                   file exists, and a spec keeps {@code %(here)s} as written (a diff of a file read elsewhere
     *                   compares what it says). Not resolved through symbolic links, as supervisord's
     *                   {@code os.path.abspath}: a Kubernetes ConfigMap's files link into a hidden {@code ..data}
     *                   directory, and {@code here} must be where it is mounted.
     * @param ledger     where each child is noted, so that a daemon started after this one dies can stop it
     * @param tailMemory what the in-memory tails of all the children's output may take together
     * @param logFiles   the log files the children's streams write, one writer per file
     */
    public ProcessLauncher(Spawner spawner, Path stateDir, Path manifests, Map<String, String> daemonEnvironment,
                           ChildLedger ledger, TailMemory tailMemory, LogFileTable logFiles) {
        this.spawner = spawner;
        this.stateDir = stateDir;
        this.expansions = new ProcessExpansions(daemonEnvironment, manifests.toString());
        this.ledger = ledger;
        this.tailMemory = tailMemory;
        this.logFiles = logFiles;
    }

    @Override
    public ChildProcess launch(ProcessSlot slot, Consumer<ExitStatus> onExit) throws SpawnException {
        ProgramSpec spec = slot.spec();
        Map<String, String> environment;
        Function<String, String> variables;
        Optional<Path> directory;
        List<String> argv;
        try {
            Map<String, String> specEnvironment = specEnvironment(slot); // expanded once for the whole start
            environment = environment(slot, specEnvironment);
            variables = expansions.variables(specEnvironment);
            directory = spec.directory().map(d -> Path.of(RawText.lossy(expand(slot, d, "spec.directory", variables))));
            argv = command(slot, variables);
        } catch (IllegalArgumentException e) {
            throw new SpawnException(e.getMessage());
        }
        if (directory.isPresent()) {
            WorkingDirectory.check(directory.get());
        }
        commands.put(slot, List.copyOf(argv)); // what this start tries, also when it fails below
        Path executable = CommandResolver.resolve(argv, environment, directory);
        Optional<UserAccount> switchTo = Optional.empty();
        if (spec.user().isPresent()) {
            UserAccount account = UserAccount.lookup(spec.user().get());
            // The account's, in place of the daemon's (supervisord leaves the daemon's); spec.environment's own win.
            Map<String, String> specEnvironment = slot.spec().environment();
            putUnlessSet(environment, specEnvironment, "HOME", account.home());
            putUnlessSet(environment, specEnvironment, "USER", account.name());
            putUnlessSet(environment, specEnvironment, "LOGNAME", account.name());
            // as su, sudo and systemd's User= do: a program that starts $SHELL (a terminal server, an editor's shell
            // escape) gets the user's, not the daemon's login shell
            putUnlessSet(environment, specEnvironment, "SHELL", account.shell());
            // Already that user: nothing to switch, as supervisord does, so that one manifest serves a daemon run
            // as root and one run as that user.
            if (account.uid() != LibC.geteuid()) {
                if (!PosixSpawner.runningAsRoot()) {
                    throw new SpawnException("spec.user is '" + spec.user().get() + "' (uid " + account.uid() + ") but the"
                            + " daemon runs as uid " + LibC.geteuid() + ", not as root, and cannot switch users; remove"
                            + " spec.user, or run steward as root or as that user");
                }
                switchTo = Optional.of(account);
            }
        }
        // posix_spawn can set no umask, and its chdir is the daemon's: a shell does those, then execs the program
        // under the same pid. A switched user enters the directory itself, after the switch, as under supervisord: one
        // it may not enter fails the start (127, as supervisord's), where root's chdir would run the program in a
        // directory it cannot read.
        List<String> steps = new ArrayList<>();
        List<String> parameters = new ArrayList<>(); // the shell's $1, $2 ... ahead of the program's arguments
        spec.umask().ifPresent(umask -> steps.add("umask " + String.format("%03o", umask)));
        Optional<Path> chdir = directory;
        if (switchTo.isPresent() && directory.isPresent()) {
            // -P: the directory as chdir(2) takes it (posix_spawn's, supervisord's), a ".." after a link being the link's
            // target's parent. printf, not echo, which reads a backslash in the name as an escape (one before c ends it).
            steps.add("cd -P -- \"$1\" 2>/dev/null || { printf 'steward: user %s cannot enter the working directory %s"
                    + " (spec.directory): give it search permission (x) on that directory and every one above it, or"
                    + " change spec.directory\\n' \"$2\" \"$1\" >&2; exit 127; }");
            steps.add("shift 2");
            parameters.add(directory.get().toAbsolutePath().toString());
            parameters.add(switchTo.get().name());
            chdir = Optional.empty();
        }
        if (!steps.isEmpty()) {
            steps.add("exec \"$0\" \"$@\"");
            Path shell = shellFor(environment);
            List<String> wrapped = new ArrayList<>(List.of(shell.toString()));
            if (shell.equals(BASH)) {
                // -p: bash reads no $BASH_ENV (an image's ~/.bashrc, whose exports would reach the program), imports no
                // functions and ignores SHELLOPTS, as dash does; the program still gets them all
                wrapped.add("-p");
            }
            wrapped.addAll(List.of("-c", String.join("; ", steps), executable.toAbsolutePath().toString()));
            wrapped.addAll(parameters);
            wrapped.addAll(argv.subList(1, argv.size()));
            argv = wrapped;
            executable = shell;
        }
        if (switchTo.isPresent()) {
            UserAccount account = switchTo.get();
            List<String> wrapped = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + account.uid(),
                    "--regid=" + account.gid(), "--init-groups", "--", executable.toString()));
            wrapped.addAll(argv.subList(1, argv.size()));
            argv = wrapped;
            executable = Path.of("/usr/bin/setpriv");
        }
        SlotLogs sinks;
        try {
            sinks = openLogs(slot, () -> variables);
        } catch (IllegalArgumentException e) {
            throw new SpawnException(e.getMessage());
        }
        OutputSink stdout = into(sinks.stdout());
        Optional<OutputSink> stderr = sinks.stderr().map(ProcessLauncher::into);
        long firstTick = ledger.beforeSpawn();
        ChildProcess child;
        try {
            child = spawner.spawn(new SpawnRequest(executable, argv, environment, chdir, stdout, stderr, onExit));
        } catch (SpawnException | RuntimeException e) {
            sinks.abandonRun();
            throw e;
        }
        ledger.record(child.pid(), firstTick, slot.name(), spec);
        return child;
    }

    /**
     * /bin/sh, unless a variable has a name no shell could give ({@code my-var}, {@code spring.profiles.active}) and bash
     * is there: dash, Debian's /bin/sh, passes such variables on to no program, and bash does, as a program started
     * without a shell gets them. (Through env(1) they would be on its command line, which every user may read.)
     */
    private static Path shellFor(Map<String, String> environment) {
        for (String name : environment.keySet()) {
            if (!EnvironmentNames.isShellName(name) && Files.isExecutable(BASH)) {
                return BASH;
            }
        }
        return SH;
    }

    /**
     * A child's stream into its sink. When the child's pipe ends, the log file is let go until the next output,
     * which opens it again: hundreds of programs that exited or crash-loop would otherwise hold their files open
     * all the while, descriptors the daemon may need.
     */
    private static OutputSink into(LogSink sink) {
        LogSink.Run run = sink.beginRun();
        return new OutputSink() {
            @Override
            public void write(ByteBuffer chunk) {
                run.write(chunk);
            }

            @Override
            public void ended() {
                run.ended();
            }
        };
    }

    private Map<String, String> environment(ProcessSlot slot, Map<String, String> specEnvironment) {
        ProgramSpec spec = slot.spec();
        Map<String, String> environment = new TreeMap<>(expansions.daemonEnvironment());
        environment.put("STEWARD_PROGRAM", spec.name());
        environment.put("STEWARD_PROCESS_NAME", slot.name());
        environment.put("STEWARD_PROCESS_INDEX", Integer.toString(slot.index()));
        environment.put("SUPERVISOR_ENABLED", "1");
        environment.put("SUPERVISOR_PROCESS_NAME", slot.name());
        environment.put("SUPERVISOR_GROUP_NAME", spec.name());
        environment.putAll(specEnvironment);
        return environment;
    }

    private static void putUnlessSet(Map<String, String> environment, Map<String, String> specEnvironment, String name,
                                     String value) {
        if (!specEnvironment.containsKey(name)) {
            environment.put(name, value);
        }
    }

    /** The spec's environment as this slot gets it ({@link ProcessExpansions#specEnvironment}). */
    private Map<String, String> specEnvironment(ProcessSlot slot) {
        return expansions.specEnvironment(slot.spec(), slot.index());
    }

    /** The argv, each argument with supervisord's expansions done. */
    private List<String> command(ProcessSlot slot, Function<String, String> variables) {
        List<String> command = slot.spec().command();
        List<String> argv = new ArrayList<>(command.size());
        for (int i = 0; i < command.size(); i++) {
            argv.add(expand(slot, command.get(i), "spec.command[" + i + "]", variables));
        }
        return argv;
    }

    private SlotLogs openLogs(ProcessSlot slot, Supplier<Function<String, String>> variables) {
        ProgramSpec spec = slot.spec();
        LogPaths planned = logPaths(slot, variables);
        Optional<Path> stdoutPath = planned.stdout();
        Optional<Path> stderrPath = planned.stderr();
        Optional<Optional<Path>> stderrFile = spec.logs().redirectStderr() ? Optional.empty() : Optional.of(stderrPath);
        SlotLogs current = logs.get(slot);
        if (current != null && current.stdout().file().equals(stdoutPath)
                && current.stderr().map(LogSink::file).equals(stderrFile)) {
            applyLimits(slot, current);
            expectSiblings(slot, current);
            return current;
        }
        // Opening a sink touches no file: the pipe thread creates it with the first output. A log
        // file that cannot be written does not stop the program: the sink records the error and
        // keeps the in-memory tail, and retries the file on every write. A sink whose path changed moves to the
        // new one with its memory, so that logs and logs -p still show the output from before the change.
        StreamLogSpec out = spec.logs().stdout();
        StreamLogSpec err = spec.logs().stderr();
        LogSink stdout = current == null ? LogSink.open(stdoutPath, out.maxBytes(), out.backups(), tailMemory, logFiles)
                : current.stdout().movedTo(stdoutPath, out.maxBytes(), out.backups());
        Optional<LogSink> stderr = Optional.empty();
        if (!spec.logs().redirectStderr()) {
            stderr = Optional.of(current != null && current.stderr().isPresent()
                    ? current.stderr().get().movedTo(stderrPath, err.maxBytes(), err.backups())
                    : LogSink.open(stderrPath, err.maxBytes(), err.backups(), tailMemory, logFiles));
        } else if (current != null) {
            current.stderr().ifPresent(LogSink::close); // now redirected into stdout: its memory goes
        }
        SlotLogs opened = new SlotLogs(stdout, stderr);
        expectSiblings(slot, opened);
        logs.put(slot, opened);
        return opened;
    }

    /**
     * Before the spawn, the sinks whose file the program's other replicas write too take whole lines from the first
     * byte: a half line written before the siblings have opened the file would be cut by a sibling's first line. Also
     * for sinks kept from an earlier start, which may have begun with one replica.
     */
    private void expectSiblings(ProcessSlot slot, SlotLogs sinks) {
        LogsSpec spec = slot.spec().logs();
        if (sharedByReplicas(slot, spec.stdout(), "out", sinks.stdout().file())) {
            sinks.stdout().expectOtherWriters();
        }
        if (sinks.stderr().isPresent() && sharedByReplicas(slot, spec.stderr(), "err", sinks.stderr().get().file())) {
            sinks.stderr().get().expectOtherWriters();
        }
    }

    /**
     * Whether the program's other replicas write this stream's file too: whether a sibling's path, worked out as its
     * start will (with its own environment), is the same file. Those replicas open it once they start, moments later; a
     * file that several programs name is found shared only then.
     */
    private boolean sharedByReplicas(ProcessSlot slot, StreamLogSpec stream, String suffix, Optional<Path> path) {
        ProgramSpec spec = slot.spec();
        if (spec.replicas() < 2 || path.isEmpty()) {
            return false;
        }
        int sibling = slot.index() == 0 ? 1 : 0;
        try {
            Optional<Path> siblings = logPath(spec, sibling, stream, suffix,
                    () -> expansions.variables(expansions.specEnvironment(spec, sibling)));
            return siblings.map(LogFileTable::key).equals(path.map(LogFileTable::key));
        } catch (IllegalArgumentException e) {
            return false; // the sibling's own start says why
        }
    }

    /** Applies changed log size limits in place (no restart). */
    public void updateLimits(ProcessSlot slot) {
        SlotLogs current = logs.get(slot);
        if (current != null) {
            applyLimits(slot, current);
        }
    }

    private static void applyLimits(ProcessSlot slot, SlotLogs sinks) {
        StreamLogSpec out = slot.spec().logs().stdout();
        StreamLogSpec err = slot.spec().logs().stderr();
        sinks.stdout().setLimits(out.maxBytes(), out.backups());
        sinks.stderr().ifPresent(sink -> sink.setLimits(err.maxBytes(), err.backups()));
    }

    /** The files a slot's streams go to (empty: memory only, or stderr redirected). */
    public record LogPaths(Optional<Path> stdout, Optional<Path> stderr) {
    }

    /**
     * The files a slot's spec names for its streams: where they go from its next start; none for a path that names a
     * variable the daemon's environment lacks (its start fails, and says why).
     */
    LogPaths plannedLogPaths(ProcessSlot slot) {
        LogsSpec spec = slot.spec().logs();
        // Worked out only for a path that is a template: a snapshot asks this of every process not yet started.
        Supplier<Function<String, String>> variables = () -> expansions.variables(specEnvironment(slot));
        return new LogPaths(plannedLogPath(slot, spec.stdout(), "out", variables),
                spec.redirectStderr() ? Optional.empty() : plannedLogPath(slot, spec.stderr(), "err", variables));
    }

    private Optional<Path> plannedLogPath(ProcessSlot slot, StreamLogSpec stream, String suffix,
                                          Supplier<Function<String, String>> variables) {
        try {
            return logPath(slot, stream, suffix, variables);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** As {@link #plannedLogPaths}, or an {@link IllegalArgumentException} that says which path cannot be expanded, and why. */
    private LogPaths logPaths(ProcessSlot slot, Supplier<Function<String, String>> variables) {
        LogsSpec spec = slot.spec().logs();
        return new LogPaths(logPath(slot, spec.stdout(), "out", variables),
                spec.redirectStderr() ? Optional.empty() : logPath(slot, spec.stderr(), "err", variables));
    }

    /** The sinks of a slot, for tail and follow. */
    public Optional<SlotLogs> logs(ProcessSlot slot) {
        return Optional.ofNullable(logs.get(slot));
    }

    /** Has every log file opened again at its path by its next write, as after logrotate moved them. */
    public void reopenLogs() {
        logs.values().forEach(sinks -> {
            sinks.stdout().reopen();
            sinks.stderr().ifPresent(LogSink::reopen);
        });
    }

    /**
     * The command the slot's latest start was given, its expansions done (without the shell a umask or the
     * {@code setpriv} a user wraps it in), whether or not the start succeeded; empty until a start has got that far
     * (one that fails on a value it cannot expand does not).
     */
    public Optional<List<String>> startedCommand(ProcessSlot slot) {
        return Optional.ofNullable(commands.get(slot));
    }

    /** Closes a forgotten slot's log files. */
    public void release(ProcessSlot slot) {
        commands.remove(slot);
        SlotLogs removed = logs.remove(slot);
        if (removed != null) {
            removed.close();
        }
    }

    private Optional<Path> logPath(ProcessSlot slot, StreamLogSpec stream, String suffix,
                                   Supplier<Function<String, String>> variables) {
        return logPath(slot.spec(), slot.index(), stream, suffix, variables);
    }

    /** The file of a stream of replica {@code index} of {@code spec}; {@code variables} asked only for a template. */
    private Optional<Path> logPath(ProgramSpec spec, int index, StreamLogSpec stream, String suffix,
                                   Supplier<Function<String, String>> variables) {
        return switch (stream.file()) {
            case StreamLogSpec.NONE -> Optional.empty();
            case StreamLogSpec.AUTO ->
                    Optional.of(stateDir.resolve("logs").resolve(spec.processName(index) + "." + suffix + ".log"));
            default -> Optional.of(stateDir.resolve(Expansions.inLogPath(stream.file())
                    ? RawText.lossy(expansions.expandTemplate(spec, index, stream.file(),
                            "spec.logs." + (suffix.equals("out") ? "stdout" : "stderr") + ".file", variables.get(), true))
                    : stream.file()));
        };
    }

    /** A value of the spec as this slot gets it ({@link ProcessExpansions#expand}). */
    private String expand(ProcessSlot slot, String value, String field, Function<String, String> variables) {
        return expansions.expand(slot.spec(), slot.index(), value, field, variables);
    }
}
