package dev.steward;

import dev.steward.cli.StewardCli;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import sun.misc.Signal;

/**
 * Process entry point. {@code serve} boots Quarkus and runs the daemon in the foreground; its flags
 * become configuration before Quarkus reads it, so {@code --listen} reaches the HTTP server. Every
 * other verb is the command-line client ({@link StewardCli}), which never boots Quarkus;
 * {@code bin/steward} runs that one directly, without this jar's class path, to start faster.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    public static void main(String... args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            StewardCli.main(args);
            return;
        }
        CommandLine cli = new CommandLine(new StewardCommand());
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("steward: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return;
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            System.exit(0);
        }
        if (!parsed.hasSubcommand()) {
            cli.usage(System.err);
            System.exit(2);
        }
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        serve.exportAsConfiguration();
        // Exit 0 after a graceful stop. The JVM's own TERM handling would exit 143, and a signal that
        // arrives while Quarkus is still starting must not orphan the children it already started:
        // asyncExit runs the normal shutdown, whose ShutdownEvent stops every program first.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> Quarkus.asyncExit(0));
        }
        Quarkus.run(Main.class, (exitCode, failure) -> {
            if (failure != null) {
                System.err.println("steward: cannot start: " + rootMessage(failure));
            }
            System.exit(exitCode == 0 && failure != null ? 1 : exitCode);
        }, args);
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public int run(String... args) {
        Quarkus.waitForExit();
        return 0;
    }

    /** The top-level command; client verbs join it later. */
    @CommandLine.Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "A declarative process supervisor.", subcommands = {ServeCommand.class})
    static final class StewardCommand {
    }
}
