package dev.steward.manifest;

import dev.steward.manifest.NodeReader.Position;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads manifest files: one or more YAML documents ({@code ---}), each an {@code apiVersion: steward.dev/v1},
 * {@code kind: Program} object with {@code metadata} and {@code spec}.
 *
 * <p>A file is accepted or rejected as a whole. When rejected, every problem found is reported with its line,
 * column and field path, so one edit can fix them all. Thread-safe: it holds no state.
 */
public final class ManifestLoader {

    /** Larger files are refused unread: a manifest is a few kilobytes, a big file here is a mistake. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    /**
     * Core schema (YAML 1.2): true/True/TRUE are booleans, ~ is null, 022 is an integer, but yes/no stay text.
     * One instance for every file: it is immutable, and building its resolvers was a tenth of a cold parse.
     */
    static final CoreSchema SCHEMA = new SharedResolverSchema();

    /**
     * The settings of every manifest parse. Built once: each builder makes a default schema of its own,
     * which is thrown away. No label: errors name the file themselves, from the path.
     */
    private static final LoadSettings SETTINGS = LoadSettings.builder().setSchema(SCHEMA).build();

    /**
     * snakeyaml-engine's CoreSchema builds a new scalar resolver (a dozen patterns in maps) for every
     * document it composes; this one keeps one. A resolver only reads its maps once built, so the parse
     * threads share it safely.
     */
    private static final class SharedResolverSchema extends CoreSchema {
        private final ScalarResolver resolver = new CoreScalarResolver();

        @Override
        public ScalarResolver getScalarResolver() {
            return resolver;
        }
    }

    /**
     * The programs of a file, plus where each program's name was written (for errors raised across files). For an
     * invalid file that is still YAML, where its {@code steward.dev/v1} {@code Program} documents name programs.
     */
    record Parsed(ManifestFile file, Map<String, Position> namePositions) {
    }

    /** Reads and parses {@code file}; an unreadable file gives one error at line 0. */
    public ManifestFile load(Path file) {
        return read(file).file();
    }

    /** Parses {@code text} as the content of {@code file}, which is only used to label errors. */
    public ManifestFile parse(Path file, String text) {
        return parseWithPositions(file, text).file();
    }

    Parsed read(Path file) {
        String text;
        try {
            text = Utf8Text.decode(RegularFiles.read(file));
        } catch (Utf8Text.NotUtf8 e) {
            return unreadable(new ManifestError(file, e.line(), e.column(), "", e.getMessage()));
        } catch (RegularFiles.Unreadable e) {
            return unreadable(file, e.getMessage());
        }
        return parseWithPositions(file, text);
    }

    /**
     * The plain subset first, composed cheaply; snakeyaml-engine for anything else (and its errors), from the start
     * again when a document of the text turns out not to be plain. Either composes one document at a time, dropped
     * once read: a file's whole node tree is some thirty times its size.
     */
    Parsed parseWithPositions(Path file, String text) {
        try {
            return parseDocuments(file, text, PlainYamlComposer.documents(text, SCHEMA.getScalarResolver()));
        } catch (PlainYamlComposer.NotPlain e) {
            return parseDocuments(file, text, new Compose(SETTINGS)
                    .composeAllFromString(text.indexOf('\t') < 0 ? text : tabsAtLineEndsAsSpaces(text)).iterator());
        }
    }

    private Parsed parseDocuments(Path file, String text, Iterator<Node> documents) {
        NodeReader reader = new NodeReader(file);
        ProgramReader programReader = new ProgramReader(reader);
        List<ProgramSpec> programs = new ArrayList<>();
        Map<String, Position> names = new LinkedHashMap<>();
        // For an invalid file: where its kind: Program documents name programs (another kind's names are not ours).
        Map<String, Position> programNames = new LinkedHashMap<>();
        boolean yaml = false; // a file that is not YAML names nothing: the documents read so far depend on where it broke
        try {
            while (documents.hasNext()) {
                Node document = documents.next();
                if (document instanceof ScalarNode && Tag.NULL.equals(document.getTag())) {
                    continue; // empty document, e.g. a leading "---" or one with only comments
                }
                ProgramReader.Result result = programReader.read(document);
                result.spec().ifPresent(programs::add);
                if (result.name().isPresent()) {
                    Position at = Position.of(result.nameNode().orElseThrow());
                    if (result.ours()) {
                        programNames.putIfAbsent(result.name().get(), at);
                    }
                    Position first = names.putIfAbsent(result.name().get(), at);
                    if (first != null) {
                        reader.error(result.nameNode().get(), "metadata.name", "program \"" + result.name().get()
                                + "\" is already defined at line " + first.line()
                                + " of this file; names must be unique, rename or remove one of them");
                    }
                }
            }
            yaml = true;
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> at = e.getProblemMark();
            reader.errors().add(new ManifestError(file, at.map(m -> m.getLine() + 1).orElse(0),
                    at.map(m -> m.getColumn() + 1).orElse(0), "", syntaxMessage(e, text)));
        } catch (ReaderException e) {
            reader.errors().add(unacceptableCharacter(file, text, e));
        } catch (YamlEngineException e) {
            reader.errors().add(new ManifestError(file, 0, 0, "", "is not valid YAML: " + e.getMessage()
                    + (e.getMessage().startsWith("Number of aliases") ? "; a manifest needs few aliases (*name): write"
                    + " those values out" : "")));
        } catch (StackOverflowError e) {
            // The composer recurses once per nesting level and has no depth limit of its own; a file nested
            // thousands deep must not take the watch thread down with it.
            reader.errors().add(new ManifestError(file, 0, 0, "", "is nested too deeply to read;"
                    + " a manifest needs only a few levels"));
        }
        if (!reader.errors().isEmpty()) {
            // Unknown fields are found before the fields' values are checked: show them in file order instead.
            List<ManifestError> errors = new ArrayList<>(reader.errors());
            errors.sort(Comparator.comparingInt(ManifestError::line).thenComparingInt(ManifestError::column));
            return new Parsed(ManifestFile.invalid(file, errors), yaml ? Map.copyOf(programNames) : Map.of());
        }
        return new Parsed(ManifestFile.valid(file, programs), Map.copyOf(names));
    }

    /**
     * A character YAML does not allow in a stream (a NUL byte, another control character), where it is: snakeyaml-engine
     * says only "special characters are not allowed", with its index in code points.
     */
    private static ManifestError unacceptableCharacter(Path file, String text, ReaderException e) {
        int line = 1;
        int column = 1;
        int codePoints = 0;
        for (int i = 0; i < text.length() && codePoints < e.getPosition(); i += Character.charCount(text.codePointAt(i))) {
            codePoints++;
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new ManifestError(file, line, column, "", String.format("has a character that YAML does not allow in a"
                + " file, U+%04X (a control character); remove it", e.getCodePoint()));
    }

    /** Reparsing a file for each line that ends in a tab stops after this many characters in all: 4 times 1 MiB. */
    private static final long TAB_RETRIES_BUDGET = 4 * MAX_FILE_BYTES;

    /**
     * {@code text} with the tabs that end a line (before a comment, too) turned to spaces where they stand between two
     * tokens, as YAML 1.2 allows ({@code command: ["true"]<tab>}, a tab left by an editor); snakeyaml-engine takes a
     * tab there only after a plain value, and refuses it with "Do not use tabs for indentation". Found one at a time by
     * composing, so a tab inside a value (a block scalar's line) is never touched; each space takes its tab's place,
     * so every line and column stays where it was.
     */
    public static String tabsAtLineEndsAsSpaces(String text) {
        char[] chars = text.toCharArray();
        for (long budget = TAB_RETRIES_BUDGET; budget > 0; budget -= chars.length) {
            try {
                for (Node ignored : new Compose(SETTINGS).composeAllFromString(new String(chars))) {
                    // composed to find where it fails
                }
                break;
            } catch (MarkedYamlEngineException e) {
                int tab = tabAt(e, text);
                if (tab < 0 || !restOfLineBlank(text, tab)) {
                    break;
                }
                for (int i = tab; i < chars.length && (chars[i] == '\t' || chars[i] == ' '); i++) {
                    chars[i] = ' ';
                }
            } catch (YamlEngineException | StackOverflowError e) {
                break; // reported by the parse that follows
            }
        }
        return new String(chars);
    }

    /** The index in {@code text} of the tab that snakeyaml-engine refused, or -1 when that is not its complaint. */
    private static int tabAt(MarkedYamlEngineException e, String text) {
        Optional<Mark> at = e.getProblemMark();
        if (e.getProblem() == null || !e.getProblem().contains("(TAB)") || at.isEmpty()) {
            return -1;
        }
        int codePoints = at.get().getIndex();
        if (codePoints < 0 || codePoints >= text.codePointCount(0, text.length())) {
            return -1;
        }
        int index = text.offsetByCodePoints(0, codePoints);
        return text.charAt(index) == '\t' ? index : -1;
    }

    /** Whether only blanks, or blanks and a comment, follow {@code index} on its line. */
    private static boolean restOfLineBlank(String text, int index) {
        int i = index;
        while (i < text.length() && (text.charAt(i) == '\t' || text.charAt(i) == ' ')) {
            i++;
        }
        return i == text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r' || text.charAt(i) == '#';
    }

    /** Whether only blanks come before {@code index} on its line: a tab there is indentation. */
    private static boolean startOfLineBlank(String text, int index) {
        for (int i = index - 1; i >= 0 && text.charAt(i) != '\n'; i--) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String syntaxMessage(MarkedYamlEngineException e, String text) {
        int tab = tabAt(e, text);
        if (tab >= 0) {
            // snakeyaml-engine says "found character '\t(TAB)' that cannot start any token. (Do not use \t(TAB) for
            // indentation)" for any tab it does not take, most of which are not indentation
            return startOfLineBlank(text, tab) && !restOfLineBlank(text, tab)
                    ? "invalid YAML: a tab in the indentation, where YAML allows only spaces; indent with spaces"
                    : restOfLineBlank(text, tab)
                    ? "invalid YAML: a tab at the end of the line, more of them in this file than can be taken; replace"
                    + " them with spaces or remove them"
                    : "invalid YAML: a tab between two parts of the line, which this reader does not take there (only at"
                    + " the end of a line or after a plain value); replace it with a space";
        }
        StringBuilder message = new StringBuilder("invalid YAML: ").append(e.getProblem());
        if (e.getProblem().startsWith("found undefined alias")) {
            // An anchor (&name) reaches only the rest of its own document: not the next one after ---
            String anchor = "&" + e.getProblem().substring("found undefined alias".length()).strip();
            return message.append("; define the anchor ").append(anchor).append(" earlier in the same document, since"
                    + " anchors do not reach into other documents (---), or write the value out").toString();
        }
        if (e.getContext() != null && !e.getContext().isBlank()) {
            message.append(", ").append(e.getContext());
            e.getContextMark().ifPresent(m -> message.append(" that starts at line ").append(m.getLine() + 1)
                    .append(", column ").append(m.getColumn() + 1));
        }
        return message.append("; check the indentation, quotes and brackets around here").toString();
    }

    private static Parsed unreadable(Path file, String message) {
        return unreadable(new ManifestError(file, 0, 0, "", message));
    }

    /** A file read as this one error, at its place. */
    private static Parsed unreadable(ManifestError error) {
        return new Parsed(ManifestFile.invalid(error.file(), List.of(error)), Map.of());
    }
}
