package dev.steward.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The documents of a YAML text with the character ranges they occupy, so that one document can be
 * replaced or removed while every other byte of the file (other documents, their comments) stays as
 * it was.
 *
 * <p>A document's text runs from the start of the line its root node starts on to the end of the line
 * its last value ends on, so a trailing comment on that line goes with it, while comment lines after
 * it (often about the next document) do not. Thread-safe: it holds no state.
 *
 * <p>A {@link Doc} keeps where the document is, not its node tree: a file of thousands of documents composes
 * to some forty times its size in nodes and marks, and an edit holds a file's documents (and its result's)
 * while it checks them, which a 1 MiB file of 9,500 programs took past the daemon's heap. The one document
 * an edit needs the nodes of is composed again, alone ({@link #root}).
 */
final class YamlDocuments {

    private static final Pattern DOCUMENT_START = Pattern.compile("(?m)^---(?=\\s|$)");

    /**
     * One non-empty document.
     *
     * @param name      the raw {@code metadata.name} when it is a plain text, for finding a program's document
     *                  even in a file that is otherwise invalid
     * @param flow      whether the document is a flow collection ({@code {...}}, JSON)
     * @param start     index of the first character of the document's text
     * @param end       index just after its last character (before the line break)
     * @param lineStart whether {@code start} is at the beginning of a line (false for {@code --- {...}})
     * @param cutStart  where removing the document starts: its {@code ---} line when it has one
     */
    record Doc(Optional<String> name, boolean flow, int start, int end, boolean lineStart, int cutStart) {
    }

    private YamlDocuments() {
    }

    /**
     * Splits {@code text} into its non-empty documents.
     *
     * @throws org.snakeyaml.engine.v2.exceptions.YamlEngineException when the text is not YAML
     */
    static List<Doc> split(String label, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(label).setSchema(ManifestLoader.SCHEMA).build();
        Offsets offsets = new Offsets(text);
        List<Doc> docs = new ArrayList<>();
        int previousEnd = 0;
        ContentEnds ends = new ContentEnds(new ParserImpl(settings, new StreamReader(settings, composable(text))));
        Composer composer = new Composer(settings, ends);
        while (composer.hasNext()) {
            Node root = composer.next();
            if (root instanceof ScalarNode && Tag.NULL.equals(root.getTag())) {
                continue; // an empty document: nothing to find or keep apart
            }
            int rootStart = offsets.of(root.getStartMark());
            // A byte-order mark (Notepad's UTF-8) is no part of the first document: the document still starts its line
            int lineStart = Math.max(text.lastIndexOf('\n', rootStart - 1) + 1, text.startsWith("\uFEFF") ? 1 : 0);
            boolean alone = text.substring(lineStart, rootStart).isBlank();
            int start = alone ? lineStart : rootStart;
            int end = ends.keptLineBreaks()
                    ? Math.max(rootStart, keptEnd(text, offsets.of(ends.last())))
                    : lineEnd(text, Math.max(rootStart, offsets.of(ends.last().or(root::getStartMark))));
            boolean flow = root instanceof CollectionNode && ((CollectionNode<?>) root).getFlowStyle() == FlowStyle.FLOW;
            docs.add(new Doc(name(root), flow, start, end, alone, cutStart(text, previousEnd, lineStart)));
            previousEnd = end;
        }
        return docs;
    }

    /**
     * The documents by the program each names, the first where several name one: looked up once per program of an
     * apply, where a search through the list for each took time growing with the square of the programs (9,500 of them
     * against a file of as many took minutes).
     */
    static Map<String, Doc> byName(List<Doc> docs) {
        Map<String, Doc> named = new HashMap<>();
        for (Doc doc : docs) {
            doc.name().ifPresent(name -> named.putIfAbsent(name, doc));
        }
        return named;
    }

    /** The text of a document. */
    static String text(String text, Doc doc) {
        return text.substring(doc.start(), doc.end());
    }

    /**
     * The text of a document to be read by itself: with the line break that ends it, which a block scalar that keeps its
     * blank lines ({@code |+}) counts as its own last one. Its errors count lines from the document's start: {@link
     * #inFile} puts them where they are in the file.
     */
    static String alone(String text, Doc doc) {
        return text(text, doc) + "\n";
    }

    /**
     * An error found in the document read {@link #alone}, at its line and column in {@code text}, the whole file, as the
     * daemon reports it: a user looks for it there, below the file's header comments and earlier documents.
     */
    static ManifestError inFile(String text, Doc doc, ManifestError error) {
        if (error.line() == 0) {
            return error;
        }
        int linesBefore = lineAt(text, doc.start()) - 1;
        int lineStart = text.lastIndexOf('\n', doc.start() - 1) + 1;
        // marks count code points; a document after "--- " on its line starts in a later column
        int columns = error.line() == 1 && !doc.lineStart() ? text.codePointCount(lineStart, doc.start()) : 0;
        return new ManifestError(error.file(), error.line() + linesBefore, error.column() + columns, error.field(),
                error.message());
    }

    /** The line (from 1) of {@code text} that character {@code offset} is on. */
    static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
            line++;
        }
        return line;
    }

    /**
     * The text to write for a submitted document: as sent when it is block-style YAML (comments and
     * all), converted to block YAML when it is JSON or flow style, which reads badly in a YAML file.
     */
    static String blockText(String body, YamlDocuments.Doc doc) {
        String text = YamlDocuments.text(body, doc);
        if (!doc.flow() && doc.lineStart()) {
            return text;
        }
        LoadSettings settings = LoadSettings.builder().setSchema(ManifestLoader.SCHEMA).build();
        return ManifestRenderer.yaml(new Load(settings).loadFromString(composable(text))).stripTrailing();
    }

    /**
     * The comment lines right above a document (after its {@code ---} line, or at the top of the text), each with its
     * line break: what a new program's file begins with when the manifest sent begins so ({@code # web: the front end,
     * owned by ...}). Blank lines before the first comment are left out; empty when there is no such comment.
     */
    static String leadingComments(String text, Doc doc) {
        if (!doc.lineStart()) {
            return ""; // a document starting on its --- line has nothing above it of its own
        }
        int from = doc.start();
        int comments = from;
        while (from > 0) {
            int lineStart = text.lastIndexOf('\n', from - 2) + 1;
            String line = text.substring(lineStart, from).replace("\uFEFF", "").strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                break;
            }
            from = lineStart;
            if (!line.isEmpty()) {
                comments = from;
            }
        }
        return text.substring(comments, doc.start()).replace("\uFEFF", "");
    }

    /**
     * The root node of a document, composed from its text alone ({@link #text}): its marks count from the document's
     * start, so {@code doc.start() + index(text(file, doc), mark)} is a position in the file.
     */
    static Node root(String documentText) {
        LoadSettings settings = LoadSettings.builder().setSchema(ManifestLoader.SCHEMA).build();
        return new Compose(settings).composeString(composable(documentText)).orElseThrow();
    }

    /** The text as the loader composes it: tabs that end lines as spaces, in their places (marks stay the same). */
    private static String composable(String text) {
        return text.indexOf('\t') < 0 ? text : ManifestLoader.tabsAtLineEndsAsSpaces(text);
    }

    /** The String index of a node mark in {@code text} (marks count code points). */
    static int index(String text, Optional<Mark> mark) {
        return new Offsets(text).of(mark);
    }

    /** The value of {@code key} in a mapping node, when the node is a mapping and has it. */
    static Optional<NodeTuple> entry(Node node, String key) {
        if (node instanceof MappingNode) {
            for (NodeTuple tuple : ((MappingNode) node).getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode && ((ScalarNode) tuple.getKeyNode()).getValue().equals(key)) {
                    return Optional.of(tuple);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> name(Node root) {
        return entry(root, "metadata").flatMap(metadata -> entry(metadata.getValueNode(), "name"))
                .map(NodeTuple::getValueNode).filter(ScalarNode.class::isInstance)
                .map(node -> ((ScalarNode) node).getValue());
    }

    /**
     * The parser under the composer, noting where each document's last value ends, as the nodes cannot say: an alias
     * ({@code replicas: *n}) composes to the anchored node, with the anchor's marks lines above, and the end mark of a
     * block collection lies at the next token, which may be lines further down past comments or at the next {@code ---}.
     * So the end is that of the last scalar, alias or flow collection read.
     */
    private static final class ContentEnds implements Parser {
        private final Parser parser;
        private final List<Boolean> flows = new ArrayList<>(); // the collections open, innermost last: flow or block
        private Optional<Mark> last = Optional.empty();
        private boolean keptLineBreaks;

        ContentEnds(Parser parser) {
            this.parser = parser;
        }

        /** Where the last value of the document read last ends; empty when it has none. */
        Optional<Mark> last() {
            return last;
        }

        /**
         * Whether that value is a block scalar that keeps its trailing blank lines ({@code |+}): they are part of it, and
         * its end mark is at the start of the line after them.
         */
        boolean keptLineBreaks() {
            return keptLineBreaks;
        }

        @Override
        public Event next() {
            Event event = parser.next();
            switch (event.getEventId()) {
                case DocumentStart -> {
                    last = Optional.empty();
                    keptLineBreaks = false;
                }
                case Scalar -> {
                    ScalarEvent scalar = (ScalarEvent) event;
                    // An empty value ("key:" with nothing after it) is marked where the next token starts.
                    if (!(scalar.getValue().isEmpty() && scalar.isPlain())) {
                        note(event, (scalar.isLiteral() || scalar.isFolded()) && scalar.getValue().endsWith("\n\n"));
                    }
                }
                case Alias -> note(event, false);
                case SequenceStart, MappingStart -> flows.add(((CollectionStartEvent) event).isFlow());
                case SequenceEnd, MappingEnd -> {
                    if (flows.remove(flows.size() - 1)) {
                        note(event, false);
                    }
                }
                default -> {
                }
            }
            return event;
        }

        private void note(Event event, boolean keeps) {
            last = event.getEndMark();
            keptLineBreaks = keeps;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }
    }

    /** The end of a block scalar that keeps its trailing line breaks: before the last of them, which ends its line. */
    private static int keptEnd(String text, int index) {
        return index > 0 && text.charAt(index - 1) == '\n' ? index - 1 : index;
    }

    /** The end of the line containing {@code index}, after stepping back over whitespace a block scalar ate. */
    private static int lineEnd(String text, int index) {
        int at = index;
        while (at > 0 && Character.isWhitespace(text.charAt(at - 1))) {
            at--;
        }
        int newline = text.indexOf('\n', at);
        return newline < 0 ? text.length() : newline;
    }

    /** The start of the last {@code ---} line between the previous document and this one, else its own line. */
    private static int cutStart(String text, int from, int lineStart) {
        int cut = lineStart;
        var matcher = DOCUMENT_START.matcher(text).region(from, Math.min(text.length(), lineStart + 3));
        while (matcher.find()) {
            cut = Math.min(matcher.start(), lineStart);
        }
        return cut;
    }

    /** Converts snakeyaml marks (code point indexes) to String indexes, which differ past non-BMP characters. */
    private static final class Offsets {
        private final String text;
        private final int codePoints;

        Offsets(String text) {
            this.text = text;
            this.codePoints = text.codePointCount(0, text.length());
        }

        int of(Optional<Mark> mark) {
            int index = Math.min(mark.map(Mark::getIndex).orElse(0), codePoints);
            return codePoints == text.length() ? index : text.offsetByCodePoints(0, index);
        }
    }
}
