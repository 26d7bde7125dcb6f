package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.steward.manifest.ProgramSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code steward diff -f FILE|DIR}: the unified diff between each program's live manifest and the
 * file's, then (on stderr) what applying would do. Exit 0 no change, 1 changes, 2 or 3 an error.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what applying manifests would change.",
                "A unified diff of each program's live manifest against the file's (on stdout),",
                "then whether applying would restart processes (on stderr).",
                "Exit 0: no changes, 1: changes, 2 or more: an error."},
        footer = {"", "Examples:", "  steward diff -f web.yaml", "  steward diff -f manifests/ && echo up to date"})
final class DiffCommand extends StewardCli.Verb {
    static final int EXIT_ERROR = 2;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", required = true,
            description = "Manifest file, directory, or - for standard input (repeatable).")
    List<String> files = new ArrayList<>();

    @Option(names = {"-R", "--recursive"}, description = "Also read the directories' subdirectories.")
    boolean recursive;

    @Override
    public Integer call() {
        try {
            return diff();
        } catch (CliException e) {
            // diff's contract: anything that is not "changes" is an error, exit >1
            throw e.exitCode() > 1 ? e : new CliException(EXIT_ERROR, e.getMessage(), e.details());
        }
    }

    private int diff() {
        List<ManifestFiles.Source> sources = ManifestFiles.read(files, recursive, io().cwd(), io().in(), io().err());
        List<String> summaries = new ArrayList<>();
        StringBuilder diffs = new StringBuilder();
        boolean changes = false;
        // The daemon validates all files together and says what applying would do; only then compare texts.
        for (Object result : ApplyCommand.apply(api(), sources, true)) {
            // the daemon's verdict decides the exit code; the text shows what differs
            if (!"unchanged".equals(Json.str(result, "action"))) {
                changes = true;
            }
            summaries.add(summary(result));
        }
        for (ManifestFiles.Source source : sources) {
            Map<String, ProgramSpec> specs = CanonicalManifest.read(source.text(), source.label());
            List<Object> documents = specs.isEmpty() ? Yaml.loadAll(source.text(), source.label()) : List.of();
            List<String> names = new ArrayList<>(specs.keySet());
            for (Object document : documents) { // the daemon took it, this client's reader did not: compare raw
                String name = Json.str(document, "metadata.name");
                if (name == null) {
                    throw new CliException(EXIT_ERROR, source.label() + ": a document has no metadata.name");
                }
                names.add(name);
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                Object live = liveManifest(name);
                String text = specs.isEmpty() ? rawDiff(name, live, documents.get(i), source.label())
                        : diff(name, live, specs.get(name), source.label());
                diffs.append(text);
            }
        }
        out().print(diffs);
        out().flush();
        summaries.forEach(err()::println);
        return changes ? StewardCli.EXIT_FAILED : StewardCli.EXIT_OK;
    }

    /** The program's manifest as the daemon has it, or null when it does not exist yet. */
    private Object liveManifest(String name) {
        try {
            Object program = api().get("/programs/" + Api.enc(name));
            return Json.obj(program).get("manifest");
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The unified diff of one program: the daemon's manifest against the file's, both read as the
     * daemon reads them and written out in full (see {@link CanonicalManifest}).
     */
    static String diff(String name, Object liveManifest, ProgramSpec fromFile, String file) {
        ProgramSpec live = CanonicalManifest.fromLive(liveManifest, name);
        if (liveManifest != null && live == null) { // an unexpected shape: show it as it is
            return rawDiff(name, liveManifest, CanonicalManifest.render(fromFile), file);
        }
        return UnifiedDiff.diff(liveLabel(name, liveManifest), live == null ? "" : CanonicalManifest.yaml(live),
                "program/" + name + "\t" + file, CanonicalManifest.yaml(fromFile));
    }

    /** The raw comparison: live manifest and the file's document as YAML with sorted keys. */
    static String rawDiff(String name, Object live, Object document, String file) {
        String before = live == null ? "" : Yaml.dump(Yaml.sorted(live));
        String after = Yaml.dump(Yaml.sorted(document));
        return UnifiedDiff.diff(liveLabel(name, live), before, "program/" + name + "\t" + file, after);
    }

    private static String liveLabel(String name, Object live) {
        return "program/" + name + "\tlive" + (live == null ? " (does not exist)" : "");
    }

    /** {@code program/web configured: restarts processes (launch settings changed)}. */
    static String summary(Object result) {
        String action = Json.str(result, "action");
        String effect = Json.str(result, "effect");
        StringBuilder line = new StringBuilder("program/").append(Json.str(result, "program")).append(' ').append(action);
        if ("unchanged".equals(action)) {
            return line.toString();
        }
        line.append(Json.bool(result, "restarts") ? ": restarts processes" : ": restarts nothing");
        if (effect != null && !effect.isBlank()) {
            line.append(" (").append(effect).append(')');
        }
        return line.toString();
    }
}
