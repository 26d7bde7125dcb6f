package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code steward delete program NAME... | -f FILE}: remove programs' manifests; their processes stop. */
@Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete programs (their processes stop).",
                "Their documents leave the manifest directory. Prints program \"web\" deleted."},
        footer = {"", "Examples:", "  steward delete program web", "  steward delete -f web.yaml"})
final class DeleteCommand extends StewardCli.Verb {
    @Parameters(arity = "0..*", paramLabel = "program NAME", description = "program followed by one or more names (or program/NAME).")
    List<String> words = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR|-", description = "Delete the programs these manifests define.")
    List<String> files = new ArrayList<>();

    @Option(names = {"-R", "--recursive"}, description = "Also read the directories' subdirectories.")
    boolean recursive;

    @Option(names = "--dry-run", description = "Say what would be deleted; change nothing.")
    boolean dryRun;

    @Option(names = "--ignore-not-found", description = "A program that does not exist is not an error.")
    boolean ignoreNotFound;

    @Override
    public Integer call() {
        if (!words.isEmpty() && !files.isEmpty()) { // as kubectl's: a typo must not add to what a destructive verb removes
            throw usage("give program NAMEs or -f FILE, not both; nothing was deleted");
        }
        Set<String> names = new LinkedHashSet<>(programNames(words, "delete"));
        if (!files.isEmpty()) {
            for (ManifestFiles.Source source : ManifestFiles.read(files, recursive, io().cwd(), io().in(), io().err())) {
                names.addAll(ManifestFiles.programNames(source));
            }
        } else if (names.isEmpty()) {
            throw usage("say what to delete: steward delete program NAME, or steward delete -f FILE");
        }
        int exit = StewardCli.EXIT_OK;
        for (String name : names) {
            try {
                Object result = api().delete("/programs/" + Api.enc(name) + (dryRun ? "?dryRun=true" : ""));
                out().println("program \"" + name + "\" deleted" + (dryRun ? " (dry run)" : "") + ApplyCommand.deferred(result));
            } catch (ApiException e) {
                if (e.status() == 404 && ignoreNotFound) {
                    continue;
                }
                if (names.size() == 1) {
                    throw e;
                }
                out().flush();
                err().println("error: " + e.getMessage());
                e.details().forEach(err()::println);
                exit = Math.max(exit, e.exitCode());
            }
            out().flush();
        }
        return exit;
    }

    /** {@code program a b}, {@code program/a program/b} or {@code programs a}; processes cannot be deleted. */
    static List<String> programNames(List<String> words, String verb) {
        return programNames(words, verb, "");
    }

    /** As above; {@code options} (as {@code " --replicas 4"}) end the command line a hint writes out. */
    static List<String> programNames(List<String> words, String verb, String options) {
        List<String> names = new ArrayList<>();
        if (words.isEmpty()) {
            return names;
        }
        String first = words.get(0);
        if (first.contains("/")) {
            for (String word : words) {
                int slash = word.indexOf('/');
                if (slash < 0) {
                    throw usage("mix of KIND/NAME and plain names: write program/" + word);
                }
                checkKind(word.substring(0, slash), verb);
                names.add(word.substring(slash + 1));
            }
            return names;
        }
        if (GetCommand.kindOf(first).isEmpty()) {
            // `steward scale web --replicas=2`, as with supervisorctl's plain names: kubectl's form needs the kind
            String what = words.size() == 1 ? "program " + first : "these programs";
            throw usage("unknown kind \"" + first + "\"; to " + verb + " " + what + ", write: steward " + verb + " program "
                    + String.join(" ", words) + options);
        }
        checkKind(first, verb);
        if (words.size() == 1) {
            throw usage("which program? steward " + verb + " program NAME");
        }
        names.addAll(words.subList(1, words.size()));
        return names;
    }

    private static void checkKind(String kind, String verb) {
        GetCommand.Kind k = GetCommand.kind(kind);
        if (k != GetCommand.Kind.PROGRAMS && verb.startsWith("rollout")) { // not "rollout statusd"
            throw usage("only programs roll out; " + (k == GetCommand.Kind.PROCESSES
                    ? "a process belongs to its program: steward " + verb + " program NAME, with its program's name"
                    + " (steward get processes -o wide shows it)"
                    : "events are a record of what happened: steward " + verb + " program NAME"));
        }
        if (k != GetCommand.Kind.PROGRAMS) {
            throw usage("only programs can be " + (verb.equals("delete") ? "deleted" : verb + "d") + (k == GetCommand.Kind.PROCESSES
                    ? "; a process belongs to its program (scale the program, or stop the process)"
                    : "; events are a record of what happened and stay until the daemon stops"));
        }
    }
}
