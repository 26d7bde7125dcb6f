package dev.steward;

import dev.steward.api.ApiToken;
import dev.steward.api.MalformedRequests;
import dev.steward.cli.StewardCli;
import dev.steward.daemon.ConfigFiles;
import dev.steward.daemon.Engine;
import dev.steward.daemon.EngineSettings;
import dev.steward.supervise.IgnoredSignals;
import dev.steward.supervise.PosixSpawner;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Process entry point. {@code serve} boots Quarkus and runs the daemon in the foreground; its flags
 * become configuration before Quarkus reads it, so {@code --listen} reaches the HTTP server. Every
 * other verb is the command-line client ({@link StewardCli}), which never boots Quarkus;
 * {@code bin/steward} runs that one directly, without this jar's class path, to start faster.
 */
@QuarkusMain
public class Main implements QuarkusApplication {
    private static final Duration FIRST_PASS_WAIT = Duration.ofSeconds(10);
    private static final CompletableFuture<Void> STOP_SIGNAL = new CompletableFuture<>();
    // Where start-up is when TERM or INT arrives; guarded by Main.class.
    private static boolean started;
    private static boolean stopRequested;
    // Set by serve --cds-training (bin/steward's archive run); read by run() and the exit handler.
    private static volatile DaemonTraining training;

    public static void main(String... args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            StewardCli.main(args);
            return;
        }
        PosixSpawner.prepareInBackground();
        ServeCommand serve = ServeCommand.parseCommon(args).orElseGet(() -> parseWithPicocli(args));
        // The JVM would stop on HUP (a service manager's reload, or a closed terminal) and die of USR1; on USR2
        // it crashed, as HotSpot suspends its threads with USR2. bin/steward moves that to a real-time signal
        // (_JAVA_SR_SIGNUM): handling USR2 here without the move would still spare the daemon, but leave JFR
        // without execution samples. Each of HUP, INT and TERM left ignored (nohup, a script's & job) is taken back
        // right before its handler, HUP's first: between the two it has its default action, which ends the daemon.
        IgnoredSignals ignored = IgnoredSignals.atStart();
        Signal hup = new Signal("HUP");
        ignored.takeBack(hup.getNumber());
        Signal.handle(hup, signal -> Engine.early().ifPresent(Engine::reload));
        // Exit 0 after a graceful stop: the JVM's own TERM handling would exit 143 and orphan the children.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal stopping = new Signal(name);
            ignored.takeBack(stopping.getNumber());
            Signal.handle(stopping, signal -> stop(name));
        }
        for (String name : new String[] {"USR1", "USR2"}) {
            Signal.handle(new Signal(name), signal -> Engine.early().ifPresent(engine -> engine.reopenLogs(name)));
        }
        // After the handlers: a stop that comes from here on ends the training run through stop(), whose every way out
        // removes its temporary directory (a TERM before them ended the JVM at once and left the directory behind).
        if (serve.cdsTraining) {
            try {
                training = DaemonTraining.prepare();
            } catch (IOException e) {
                System.err.println("steward: cannot prepare the training run: " + e.getMessage());
                System.exit(1);
            }
            serve.train(training);
        }
        // The working directory's .env and config/application.properties, which Quarkus reads too, once it is clear that
        // no other user can have written them (the token, again): the settings needed before Quarkus follow them as well.
        ConfigFiles files = ConfigFiles.NONE;
        try {
            Path workingDirectory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
            WorkingDirectoryConfig.check(workingDirectory);
            files = ConfigFiles.in(workingDirectory);
        } catch (RuntimeException e) {
            cannotStart(null, e);
        }
        try {
            serve.exportAsConfiguration(files);
        } catch (IllegalArgumentException e) {
            // Not thrown on: Quarkus' entry point would then set up its logging on this thread while the libc thread
            // above sets up java.util.logging (JNA logs through it), and each would wait for the other for ever.
            System.err.println("steward: " + e.getMessage());
            System.exit(2);
        }
        System.setProperty(MalformedRequests.NO_URI_CHECK, "true"); // it checks URLs itself, and says what is wrong
        // Supervising starts before Quarkus, on threads of its own; the Daemon bean adopts the engine. The
        // children come first, then the HTTP side: on a small machine, booting Quarkus alongside the first
        // spawns slows both, and until that pass ends the API would list no processes anyway.
        Engine engine = null;
        try {
            Properties defaults = EngineSettings.applicationProperties();
            ListenCheck listening = serve.checkListen(defaults, files);
            EngineSettings settings = EngineSettings.resolve(System.getProperties(), System.getenv(), files, defaults);
            settings.requireDirectories();
            ServeCommand.exportSocketPath(settings.stateDir());
            // Before any program starts: a state directory other users could write stops the start (TokenCheck).
            ApiToken.checkPlaceOrExplain(Optional.ofNullable(System.getProperty("steward.token"))
                    .or(() -> Optional.ofNullable(System.getenv("STEWARD_TOKEN"))), settings.stateDir());
            engine = Engine.startEarly(settings, STOP_SIGNAL::isDone, listening::await); // nor an HTTP address taken
            // A signal ends the wait too; this thread then does the stopping, so nothing races it.
            CompletableFuture.anyOf(engine.firstPass(), STOP_SIGNAL).get(FIRST_PASS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException | ExecutionException e) {
            // a very slow first pass: serve the API meanwhile
        } catch (Engine.StopRequestedException e) {
            // a signal while a killed predecessor's processes were being stopped: nothing started, exit below
        } catch (RuntimeException e) {
            cannotStart(engine, e);
        }
        boolean stopNow;
        synchronized (Main.class) {
            stopNow = stopRequested; // from here on, run() sees a later signal
        }
        if (stopNow) {
            stopAndExit(engine, 0);
        }
        try {
            // After the first pass, not during it: on a small machine every CPU-millisecond spent before the
            // last spawn delays the children, and this one (loading Netty's native transport) is only for
            // the HTTP side.
            ServeCommand.disableSocketWithoutEpoll();
        } catch (RuntimeException e) {
            cannotStart(engine, e);
        }
        Quarkus.run(Main.class, (exitCode, failure) -> {
            if (failure != null) {
                System.err.println("steward: cannot start: " + rootMessage(failure));
                // The engine runs ahead of Quarkus: its children must not outlive a failed start.
                Engine.early().ifPresent(early -> early.shutdown().join());
            }
            if (training != null) {
                training.cleanUp();
            }
            System.exit(exitCode == 0 && failure != null ? 1 : exitCode);
        }, args);
    }

    /** Parses what {@link ServeCommand#parseCommon} leaves to picocli: help, and errors with the usage. */
    private static ServeCommand parseWithPicocli(String... args) {
        CommandLine cli = new CommandLine(new StewardCommand());
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("steward: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return null;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            System.exit(0);
        }
        if (!parsed.hasSubcommand()) {
            cli.usage(System.err);
            System.exit(2);
        }
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    /**
     * TERM or INT. Once Quarkus runs, the engine stops every program first and Quarkus exits after, so that
     * while the programs stop (a stop timeout can be long) the API still answers, as supervisord's does:
     * status and logs as usual, actions refused with 503. Quarkus' own shutdown closes the HTTP server
     * before its ShutdownEvent, which would leave clients with "connection refused" all that time. Before
     * Quarkus runs, the main thread stops the engine and exits, at its next step; stopping here would race
     * it starting the engine or Quarkus.
     */
    private static void stop(String signal) {
        boolean again;
        synchronized (Main.class) {
            if (started) { // not before: Engine.early() waits for startEarly, which may wait for this very signal
                Optional<Engine> engine = Engine.early();
                if (engine.isEmpty() || !engine.get().stopAskedAgain(signal)) {
                    engine.map(Engine::shutdown).orElse(CompletableFuture.completedFuture(null))
                            .whenComplete((stopped, failure) -> Quarkus.asyncExit(0));
                }
                return;
            }
            // Quarkus drops an exit requested while it is still starting; run() sees this flag instead.
            again = stopRequested;
            stopRequested = true;
        }
        STOP_SIGNAL.complete(null);
        if (again) { // outside the lock: Engine.early() waits for startEarly, which the first signal's STOP_SIGNAL ends
            Engine.early().ifPresent(engine -> engine.stopAskedAgain(signal));
        }
    }

    /** Says why the daemon cannot start, stops the engine's programs if it started, and exits 1. */
    private static void cannotStart(Engine engine, RuntimeException e) {
        System.err.println("steward: cannot start: " + e.getMessage());
        stopAndExit(engine, 1);
    }

    /** Stops the engine's programs, if it started, and exits. */
    private static void stopAndExit(Engine engine, int status) {
        if (engine != null) {
            engine.shutdown().join();
        }
        if (training != null) {
            training.cleanUp(); // a training run stopped before Quarkus ran: its exit handler, which does this, never runs
        }
        System.exit(status);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public int run(String... args) throws IOException {
        boolean stopNow;
        synchronized (Main.class) {
            stopNow = stopRequested;
            started = !stopNow;
        }
        if (stopNow) {
            // A signal came while Quarkus was starting: the API already answers, so stop the programs while it
            // still does, as a later signal would, then let Quarkus shut down.
            Engine.early().ifPresent(engine -> engine.shutdown().join());
            return 0;
        }
        if (training != null) {
            training.exercise(Path.of(System.getProperty("quarkus.http.domain-socket")));
            return 0; // the normal shutdown follows: programs stopped, then the JVM exits and writes the archive
        }
        Quarkus.waitForExit();
        return 0;
    }

    /** The top-level command; client verbs join it later. */
    @CommandLine.Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "A declarative process supervisor.", subcommands = {ServeCommand.class})
    static final class StewardCommand {
    }
}
