package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code steward apply -f FILE|DIR|-}: send manifests to the daemon, which writes them into its directory. */
@Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create or update programs from manifests.",
                "Prints one line per program: program/web created|configured|unchanged."},
        footer = {"", "Examples:", "  steward apply -f web.yaml", "  steward apply -f manifests/", "  cat web.yaml | steward apply -f -"})
final class ApplyCommand extends StewardCli.Verb {
    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", required = true,
            description = "Manifest file, directory of *.yaml/*.yml/*.json, or - for standard input (repeatable).")
    List<String> files = new ArrayList<>();

    @Option(names = {"-R", "--recursive"}, description = "Also read the directories' subdirectories.")
    boolean recursive;

    @Option(names = "--dry-run", description = "Validate and show what would happen; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        List<ManifestFiles.Source> sources = ManifestFiles.read(files, recursive, io().cwd(), io().in());
        // Several files: validate them all first, so a bad one leaves the others unapplied too.
        if (sources.size() > 1 && !dryRun) {
            List<CliException> problems = new ArrayList<>();
            for (ManifestFiles.Source source : sources) {
                try {
                    apply(source, true);
                } catch (ApiException e) {
                    problems.add(e.withLocalFile(source.label()));
                }
            }
            if (!problems.isEmpty()) {
                for (CliException problem : problems) {
                    err().println("error: " + problem.getMessage());
                    problem.details().forEach(err()::println);
                }
                err().println("error: nothing was applied (" + problems.size() + " of " + sources.size() + " files rejected)");
                return problems.stream().mapToInt(CliException::exitCode).max().orElse(StewardCli.EXIT_FAILED);
            }
        }
        for (ManifestFiles.Source source : sources) {
            List<Object> results;
            try {
                results = apply(source, dryRun);
            } catch (ApiException e) {
                throw e.withLocalFile(source.label());
            }
            for (Object result : results) {
                out().println(line(result, dryRun));
            }
            out().flush();
        }
        return StewardCli.EXIT_OK;
    }

    private List<Object> apply(ManifestFiles.Source source, boolean dry) {
        Object answer = api().post("/programs" + (dry ? "?dryRun=true" : ""), source.contentType(), source.bytes());
        return Json.list(Json.obj(answer).get("items"));
    }

    /** {@code program/web configured}, with {@code (dry run)} and the effect when only pretending. */
    static String line(Object result, boolean dryRun) {
        String action = Json.str(result, "action");
        StringBuilder line = new StringBuilder("program/").append(Json.str(result, "program")).append(' ').append(action);
        if (dryRun || Json.bool(result, "dryRun")) {
            line.append(" (dry run)");
            String effect = Json.str(result, "effect");
            if (effect != null && !effect.isBlank() && !"unchanged".equals(action)) {
                line.append(": ").append(effect);
            }
        }
        return line.append(deferred(result)).toString();
    }

    /**
     * {@code : written; the daemon is shutting down, ...} when the daemon took the edit while shutting down: it is
     * in the file, but nothing runs it until the next start, which the user must not miss.
     */
    static String deferred(Object result) {
        String effect = Json.str(result, "effect");
        return effect != null && effect.startsWith("written; ") ? ": " + effect : "";
    }
}
