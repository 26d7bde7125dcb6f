package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code steward scale program NAME --replicas N}: writes spec.replicas back to the manifest. */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set a program's number of processes.",
                "Written back to its manifest: only the added processes start,",
                "or the removed ones (highest index first) stop; the others keep running",
                "(a FATAL one starts again, as after any change of the manifest)."},
        footer = {"", "Examples:", "  steward scale program web --replicas 4", "  steward scale program/web --replicas=1"})
final class ScaleCommand extends StewardCli.Verb {
    @Parameters(arity = "1..2", paramLabel = "program NAME", description = "program NAME, or program/NAME.")
    List<String> words = new ArrayList<>();

    @Option(names = "--replicas", paramLabel = "N", required = true, description = "The new number of processes.")
    int replicas;

    @Option(names = "--dry-run", description = "Say what would happen; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        List<String> names = DeleteCommand.programNames(words, "scale", " --replicas " + replicas + (dryRun ? " --dry-run" : ""));
        if (names.size() != 1) {
            throw usage("scale one program: steward scale program NAME --replicas N");
        }
        if (replicas < 0) {
            throw usage("--replicas must be 0 or more (got " + replicas + ")");
        }
        String name = names.get(0);
        Object result = api().post("/programs/" + Api.enc(name) + "/scale?replicas=" + replicas + (dryRun ? "&dryRun=true" : ""), null, null);
        String effect = Json.str(result, "effect");
        // kubectl says "scaled" even when nothing changed; the daemon knows, and says so as apply does
        String dry = dryRun ? " (dry run)" : "";
        if ("unchanged".equals(Json.str(result, "action"))) {
            out().println("program/" + name + " unchanged" + dry + ": already " + replicas + (replicas == 1 ? " replica" : " replicas"));
            return StewardCli.EXIT_OK;
        }
        out().println("program/" + name + " scaled" + dry + (dryRun && effect != null && !effect.isBlank() ? ": " + effect : "")
                + ApplyCommand.deferred(result));
        return StewardCli.EXIT_OK;
    }
}
