package dev.steward.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The Steward command-line client: {@code steward get programs}, {@code steward apply -f web.yaml}
 * and the rest, talking HTTP to the daemon over its unix socket or TCP. A plain {@code main} with
 * picocli and no framework, so a call takes a fifth of a second.
 */
@Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = StewardCli.VersionProvider.class,
        sortOptions = false,
        description = {"A declarative process supervisor: Supervisor's lifecycle, Kubernetes' reconcile loop.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Exit codes: 0 ok, 1 a failed action or not found, 2 usage,",
                "3 cannot reach the daemon (status: supervisorctl's 3 not running, 4 unknown).",
                "Server: --server, else STEWARD_SERVER, else the socket",
                "$STEWARD_STATE_DIR/steward.sock (default ./.steward/steward.sock) when it",
                "exists, else http://127.0.0.1:9001. See docs/cli.md."},
        synopsisSubcommandLabel = "COMMAND")
public final class StewardCli implements Callable<Integer> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;

    @Option(names = "--server", paramLabel = "ADDRESS", scope = ScopeType.INHERIT, order = 100,
            description = "Daemon address: a unix socket path or http://HOST:PORT (env STEWARD_SERVER).")
    String server;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Io io;
    private Api api;

    StewardCli(Io io) {
        this.io = io;
    }

    /**
     * Where the CLI reads and writes, and what it knows of its surroundings: injected by tests.
     *
     * @param cwd directory relative paths (the default socket) are resolved against
     */
    public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path cwd, Clock clock) {
        static Io system() {
            PrintStream out = bufferedOut(new FileOutputStream(FileDescriptor.out));
            PrintStream err = errAfter(out, new FileOutputStream(FileDescriptor.err));
            return new Io(System.in, out, err, System.getenv(), Path.of("").toAbsolutePath(), new LocalClock());
        }

        /**
         * Standard output, buffered: a 200-line answer was 200 write(2) calls. The commands that stream
         * (logs -f, get -w, apply, delete) flush after each piece, and main flushes at exit.
         */
        static PrintStream bufferedOut(OutputStream stdout) {
            return new PrintStream(new BufferedOutputStream(stdout, 1 << 16), false, StandardCharsets.UTF_8);
        }

        /**
         * Standard error, unbuffered, flushing {@code stdout} before each write: on a terminal (or with
         * 2>&1) the two streams then keep the order the lines were printed in.
         */
        static PrintStream errAfter(PrintStream stdout, OutputStream stderr) {
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    stdout.flush();
                    stderr.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    stdout.flush();
                    stderr.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    stderr.flush();
                }
            }, true, StandardCharsets.UTF_8);
        }
    }

    /**
     * The system clock in the local time zone, looked up only when a command asks for it (describe's
     * dates): loading the zone rules costs 20 ms, an eighth of a call that prints no date.
     */
    static final class LocalClock extends Clock {
        private ZoneId zone;

        @Override
        public ZoneId getZone() {
            if (zone == null) {
                zone = ZoneId.systemDefault();
            }
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return Clock.system(other);
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }
    }

    public static void main(String... args) {
        if (args.length == 1 && args[0].equals("--cds-training")) { // bin/steward's first run: see CdsTraining
            try {
                CdsTraining.run();
            } catch (java.io.IOException e) {
                System.err.println("steward: class-data-sharing training run failed: " + e);
            }
            return;
        }
        Io io = Io.system();
        int code = run(io, args);
        io.out().flush();
        io.err().flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code (never calls {@link System#exit}). */
    public static int run(Io io, String... args) {
        Optional<Verb> common = CommonCommandLine.parse(new StewardCli(io), args);
        if (common.isEmpty()) {
            return runWithPicocli(io, args);
        }
        try {
            return common.get().call();
        } catch (Exception e) {
            return failure(io, e); // as picocli's execution exception handler does
        } finally {
            flush(io);
        }
    }

    /** Runs one command line with every argument read by picocli (tests compare it with {@link #run}). */
    static int runWithPicocli(Io io, String... args) {
        try {
            Optional<String> supervisorVerb = supervisorVerb(args);
            if (supervisorVerb.isPresent()) {
                io.err().println("error: " + supervisorVerb.get());
                return EXIT_USAGE;
            }
            return commandLine(io, args).execute(args);
        } finally {
            flush(io);
        }
    }

    private static void flush(Io io) {
        io.out().flush();
        io.err().flush();
    }

    /** Every verb, in help order. Only the one being run is given to picocli: its model costs time to build. */
    private static final String[] VERBS = {"serve", "apply", "get", "describe", "delete", "diff", "logs", "start", "stop",
            "restart", "signal", "scale", "rollout", "status", "top", "version", "completion"};

    private static Object verb(String name) {
        switch (name) {
            case "serve": return new ServeStub();
            case "apply": return new ApplyCommand();
            case "get": return new GetCommand();
            case "describe": return new DescribeCommand();
            case "delete": return new DeleteCommand();
            case "diff": return new DiffCommand();
            case "logs": return new LogsCommand();
            case "start": return new ActionCommands.Start();
            case "stop": return new ActionCommands.Stop();
            case "restart": return new ActionCommands.Restart();
            case "signal": return new ActionCommands.SignalCommand();
            case "scale": return new ScaleCommand();
            case "rollout": return new RolloutCommand();
            case "status": return new StatusCommand();
            case "top": return new TopCommand();
            case "version": return new VersionCommand();
            case "completion": return new CompletionCommand();
            default: return null;
        }
    }

    /**
     * The verb on the command line: the first word that is not a top-level option (or the value of
     * {@code --server}); null when there is none.
     */
    static String verbIn(String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--server")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /** What to type instead of a supervisorctl verb Steward does not have; empty for any other command line. */
    private static Optional<String> supervisorVerb(String... args) {
        String verb = verbIn(args);
        List<String> words = Arrays.asList(args);
        if ("help".equals(verb) && words.indexOf(verb) + 1 < words.size()) { // help tail: what tail is here
            String asked = words.get(words.indexOf(verb) + 1);
            return Arrays.asList(VERBS).contains(asked) ? Optional.empty() : SupervisorVerbs.advice(asked, List.of());
        }
        if (verb == null || Arrays.asList(VERBS).contains(verb)) {
            return Optional.empty();
        }
        return SupervisorVerbs.advice(verb, words.subList(words.indexOf(verb) + 1, words.size()));
    }

    static CommandLine commandLine(Io io, String... args) {
        CommandLine cli = new CommandLine(new StewardCli(io));
        String verb = verbIn(args);
        Object only = verb == null || verb.equals("completion") ? null : verb(verb);
        if (only != null) {
            cli.addSubcommand(verb, only);
        } else { // help, completion, or an unknown verb (picocli suggests the closest)
            for (String name : VERBS) {
                cli.addSubcommand(name, verb(name));
            }
            // supervisorctl's and kubectl's "help [VERB]"; without it picocli would suggest the nearest verb, "delete"
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        cli.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
        cli.setParameterExceptionHandler(StewardCli::usageError);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> failure(io, e));
        return cli;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return EXIT_USAGE;
    }

    static int failure(Io io, Exception e) {
        if (e instanceof CliException c && c.exitCode() == EXIT_OK) { // a quiet ending, such as a closed pipe
            return EXIT_OK;
        }
        if (e instanceof CliException c) {
            io.out().flush();
            io.err().println("error: " + c.getMessage());
            for (String detail : c.details()) {
                io.err().println(detail);
            }
            return c.exitCode();
        }
        io.out().flush();
        io.err().println("error: " + e);
        for (StackTraceElement frame : e.getStackTrace()) {
            io.err().println("\tat " + frame);
        }
        return EXIT_FAILED;
    }

    /** {@code steward} alone: the usage, and exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(io.err());
        return EXIT_USAGE;
    }

    /** The daemon's API at the address chosen by {@code --server}, the environment or the defaults. */
    Api api() {
        if (api == null) {
            api = Api.of(server, io.env(), io.cwd());
        }
        return api;
    }

    /** Common ground of the verbs: access to the API and the I/O streams, exit code as the return value. */
    abstract static class Verb implements Callable<Integer> {
        @ParentCommand
        StewardCli root;

        Api api() {
            return root.api();
        }

        PrintStream out() {
            return root.io.out();
        }

        PrintStream err() {
            return root.io.err();
        }

        Io io() {
            return root.io;
        }

        static CliException usage(String message) {
            return new CliException(EXIT_USAGE, message);
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"steward " + version()};
        }
    }

    static String version() {
        String version = StewardCli.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-SNAPSHOT" : version;
    }
}
