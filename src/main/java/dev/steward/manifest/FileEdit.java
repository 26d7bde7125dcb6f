package dev.steward.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Pending text edits of one manifest file: documents replaced, removed or appended. Edits are
 * recorded against the original text and applied together, last first, so their offsets stay valid.
 *
 * <p>A document's new text is made when the edited file is put together ({@link #result}), from the manifest it was
 * sent in: an apply of thousands of programs held a copy of each one's text until all were checked, the request's
 * text twice over.
 */
final class FileEdit {

    private record Splice(int start, int end, Supplier<String> text) {
    }

    private final Path path;
    private final String original; // null when the file does not exist
    private final List<YamlDocuments.Doc> docs; // null when the file is not YAML
    private final Map<String, YamlDocuments.Doc> named; // docs by the program each names
    private final String problem; // why docs is null
    private final boolean notYaml; // the problem is the text's (UTF-8, YAML), not the file's (mode, kind, size, access)
    private final List<Splice> splices = new ArrayList<>();
    private final List<Supplier<String>> appended = new ArrayList<>();

    private FileEdit(Path path, String original, List<YamlDocuments.Doc> docs, String problem, boolean notYaml) {
        this.path = path;
        this.original = original;
        this.docs = docs;
        this.named = docs == null || docs.isEmpty() ? Map.of() : YamlDocuments.byName(docs);
        this.problem = problem;
        this.notYaml = notYaml;
    }

    /** Reads {@code path}; a missing file is an empty one that will be created. */
    static FileEdit read(Path path) {
        String text;
        try {
            // As the watcher reads it: a named pipe at the path would otherwise hold the writer (every apply) for ever
            text = Utf8Text.decode(RegularFiles.read(path));
        } catch (Utf8Text.NotUtf8 e) { // as the watcher names it, not the JDK's "Input length = 1"
            return new FileEdit(path, "", null, e.messageWithPosition(), true);
        } catch (RegularFiles.Unreadable e) {
            return e.missing() ? missing(path) : new FileEdit(path, "", null, e.getMessage(), false);
        }
        try {
            return new FileEdit(path, text, YamlDocuments.split(path.toString(), text), null, false);
        } catch (YamlEngineException e) {
            return new FileEdit(path, text, null, "is not valid YAML (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", true);
        }
    }

    /**
     * A file that did not exist when it was looked for, which the edits create: as {@link #read} finds it. Until it is
     * written, it must still not exist ({@link #unchangedSinceRead}).
     */
    static FileEdit missing(Path path) {
        return new FileEdit(path, null, List.of(), null, false);
    }

    Path path() {
        return path;
    }

    /**
     * Whether the file still holds the text it was read with (or still does not exist): else someone wrote it meanwhile,
     * an operator's editor, {@code sed -i} or a checkout, and writing the edit would undo what they wrote.
     */
    boolean unchangedSinceRead() {
        try {
            return Utf8Text.decode(RegularFiles.read(path)).equals(original);
        } catch (Utf8Text.NotUtf8 e) {
            return false;
        } catch (RegularFiles.Unreadable e) {
            return original == null && e.missing();
        }
    }

    boolean exists() {
        return original != null;
    }

    boolean changed() {
        return !splices.isEmpty() || !appended.isEmpty();
    }

    /** The document defining program {@code name}; empty also when the file cannot be read as YAML. */
    Optional<YamlDocuments.Doc> find(String name) {
        return Optional.ofNullable(named.get(name));
    }

    /** Throws when the file cannot be edited because it is unreadable or not YAML. */
    void requireReadable(String why) {
        if (docs == null) {
            // A file refused as it is (writable by every user, too large, a pipe) has its remedy in its problem already
            throw new ManifestConflictException(path + " " + problem + "; " + why + (notYaml
                    ? " needs it to be valid YAML: fix or remove it by hand first" : " needs that done first"));
        }
    }

    /** Why the file could not be read as YAML, with its path; empty when it could (or does not exist). */
    Optional<String> unreadable() {
        return docs == null ? Optional.of(path + " " + problem) : Optional.empty();
    }

    String original() {
        return original == null ? "" : original;
    }

    List<YamlDocuments.Doc> docs() {
        return docs == null ? List.of() : docs;
    }

    /** Replaces a document with block-style text (no trailing line break). */
    void replace(YamlDocuments.Doc doc, Supplier<String> text) {
        // A document starting on its "---" line (--- {...}) gets its new text on the next line.
        splices.add(new Splice(doc.start(), doc.end(), doc.lineStart() ? text : () -> "\n" + text.get()));
    }

    /** Replaces the characters {@code [start, end)} of the original text. */
    void splice(int start, int end, String text) {
        splices.add(new Splice(start, end, () -> text));
    }

    /** Removes a document with its {@code ---} line and its comments, keeping the other documents' text. */
    void remove(YamlDocuments.Doc doc) {
        String text = original();
        int end = doc.end() < text.length() ? doc.end() + 1 : doc.end(); // its line break too
        splices.add(new Splice(doc.cutStart(), end, () -> ""));
    }

    /** Adds a document at the end of the file. */
    void append(Supplier<String> text) {
        appended.add(text);
    }

    /** The text after every edit. */
    String result() {
        StringBuilder text = new StringBuilder(original());
        splices.stream().sorted(Comparator.comparingInt(Splice::start).reversed())
                .forEach(splice -> text.replace(splice.start(), splice.end(), splice.text().get()));
        for (Supplier<String> document : appended) {
            if (text.length() > 0) {
                if (text.charAt(text.length() - 1) != '\n') {
                    text.append('\n');
                }
                text.append("---\n");
            }
            text.append(document.get()).append('\n');
        }
        return inLineBreaksOfOriginal(text.toString());
    }

    /**
     * {@code text} with the line breaks of the original file when it uses one kind throughout: a file saved on Windows
     * (CRLF) gets CRLF in what is written into it too, where an inserted {@code replicas: 3} line or document in LF made
     * the editor show a {@code ^M} on every other line and {@code git diff} mark each; an LF file gets no CRLF from a
     * manifest sent with them. A file of mixed line breaks, or none, takes the text as it is.
     */
    private String inLineBreaksOfOriginal(String text) {
        String was = original();
        int lineFeeds = count(was, "\n");
        if (lineFeeds == 0) {
            return text;
        }
        int crlfs = count(was, "\r\n");
        if (crlfs == lineFeeds) {
            return text.replace("\r\n", "\n").replace("\n", "\r\n");
        }
        return crlfs == 0 ? text.replace("\r\n", "\n") : text;
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            count++;
        }
        return count;
    }

    /**
     * Whether the edits leave line {@code line} (from 1) of the original text as it was; an error of the whole file
     * (line 0) counts as left.
     */
    boolean leavesLine(int line) {
        String text = original();
        for (Splice splice : splices) {
            if (line >= YamlDocuments.lineAt(text, splice.start()) && line <= YamlDocuments.lineAt(text, splice.end())) {
                return false;
            }
        }
        return true;
    }

    /** Names of the programs the original text defines (as written, valid or not). */
    Set<String> names() {
        return new TreeSet<>(named.keySet());
    }
}
