package dev.steward.manifest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads an edited manifest file back before it is written, so that a text edit that went wrong (an
 * unusual layout the splicing did not foresee) is refused instead of reaching the watcher: the edited
 * programs must read exactly as intended, no other program may appear or vanish, and the file must be valid
 * afterwards: a file that was valid must stay so, and one that was not is not edited unless the edit mends it,
 * since the daemon would keep its last good version in force and the change would be reported but not made.
 */
final class ManifestCheck {

    private ManifestCheck() {
    }

    /**
     * @param expected programs the edit wrote, as they must read back
     * @param removed  programs the edit removed
     * @throws ManifestConflictException when the edited text fails any check
     */
    static void edited(ManifestLoader loader, FileEdit file, List<ProgramSpec> expected, List<String> removed) {
        String after = file.result();
        List<YamlDocuments.Doc> docs;
        try {
            docs = YamlDocuments.split(file.path().toString(), after);
        } catch (YamlEngineException e) {
            throw refused(file, "the result would not be valid YAML");
        }
        Set<String> wanted = new TreeSet<>(file.names());
        wanted.removeAll(removed);
        expected.forEach(spec -> wanted.add(spec.name()));
        Map<String, YamlDocuments.Doc> named = YamlDocuments.byName(docs);
        Set<String> found = new TreeSet<>(named.keySet());
        if (!found.equals(wanted)) {
            throw refused(file, "it would define " + found + " instead of " + wanted);
        }
        for (ProgramSpec spec : expected) {
            YamlDocuments.Doc doc = named.get(spec.name());
            ManifestFile one = loader.parse(file.path(), YamlDocuments.alone(after, doc));
            Optional<ProgramSpec> read = one.programs().stream().findFirst();
            if (read.isEmpty() || !read.get().equals(spec)) {
                throw refused(file, "program " + spec.name() + " would not read back as intended"
                        + one.errors().stream().findFirst().map(e -> " (" + YamlDocuments.inFile(after, doc, e) + ")").orElse(""));
            }
        }
        ManifestFile all = loader.parse(file.path(), after);
        if (!all.valid()) {
            if (file.exists() && loader.parse(file.path(), file.original()).valid()) {
                throw refused(file, "the file would become invalid: " + all.errors().get(0));
            }
            throw keptInvalid(file, "would not apply this change, which leaves it invalid",
                    untouchedError(loader, file).orElse(all.errors().get(0)));
        }
    }

    /**
     * The first error of the file as it is that the edit leaves as it was, at its line in the file as the daemon reports
     * it: the edited text's lines below an edit are shifted by the lines it adds or removes.
     */
    private static Optional<ManifestError> untouchedError(ManifestLoader loader, FileEdit file) {
        if (!file.exists()) {
            return Optional.empty();
        }
        return loader.parse(file.path(), file.original()).errors().stream()
                .filter(error -> file.leavesLine(error.line())).findFirst();
    }

    /**
     * The daemon keeps an invalid file's last good version in force, whatever is written into it: an edit there would be
     * reported done and change nothing (a deleted program running on, a new one never started).
     *
     * @param outcome what the daemon would do instead of the change asked for
     */
    static ManifestConflictException keptInvalid(FileEdit file, String outcome, ManifestError error) {
        return new ManifestConflictException(file.path() + " is invalid, so the daemon keeps its last good version in force"
                + " and " + outcome + ": " + error + "; nothing was written. Fix that file by hand first, then try again");
    }

    private static ManifestConflictException refused(FileEdit file, String why) {
        return new ManifestConflictException("cannot edit " + file.path() + " in place safely: " + why
                + "; nothing was written. Edit the file by hand, or fix it and try again");
    }
}
