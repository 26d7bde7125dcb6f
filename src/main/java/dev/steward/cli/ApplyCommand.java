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
    /** The daemon's limit for one request body (Quarkus' default {@code quarkus.http.limits.max-body-size}). */
    static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", required = true,
            description = "Manifest file, directory of *.yaml/*.yml/*.json, or - for standard input (repeatable).")
    List<String> files = new ArrayList<>();

    @Option(names = {"-R", "--recursive"}, description = "Also read the directories' subdirectories.")
    boolean recursive;

    @Option(names = "--dry-run", description = "Validate and show what would happen; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        List<ManifestFiles.Source> sources = ManifestFiles.read(files, recursive, io().cwd(), io().in(), io().err());
        for (Object result : apply(api(), sources, dryRun)) {
            out().println(line(result, dryRun));
        }
        return StewardCli.EXIT_OK;
    }

    /**
     * Sends every file in one request, as one file part each: the daemon checks them together (a program in two
     * files, two programs' processes sharing a name) and writes all of them or none, naming each file in its errors.
     */
    static List<Object> apply(Api api, List<ManifestFiles.Source> sources, boolean dryRun) {
        String boundary = ManifestFiles.boundary(sources);
        byte[] body = ManifestFiles.multipart(sources, boundary);
        if (body.length > MAX_REQUEST_BYTES) {
            // In the daemon's words for a request it refuses (bytes: 10.0 MiB would read as no more than 10 MiB).
            throw new CliException(StewardCli.EXIT_FAILED, "the " + sources.size() + " files make a request of "
                    + body.length + " bytes, more than the " + MAX_REQUEST_BYTES + " (10 MiB) the daemon takes in one;"
                    + " nothing was sent: apply them in smaller groups (a manifest is usually a few KiB, at most 1 MiB)");
        }
        Object answer = api.post("/programs" + (dryRun ? "?dryRun=true" : ""), ManifestFiles.multipartType(boundary), body);
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
