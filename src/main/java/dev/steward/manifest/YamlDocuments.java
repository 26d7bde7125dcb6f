package dev.steward.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

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
        for (Node root : new Compose(settings).composeAllFromString(composable(text))) {
            if (root instanceof ScalarNode && Tag.NULL.equals(root.getTag())) {
                continue; // an empty document: nothing to find or keep apart
            }
            int rootStart = offsets.of(root.getStartMark());
            int lineStart = text.lastIndexOf('\n', rootStart - 1) + 1;
            boolean alone = text.substring(lineStart, rootStart).isBlank();
            int start = alone ? lineStart : rootStart;
            int end = lineEnd(text, Math.max(rootStart, offsets.of(contentEnd(root))));
            boolean flow = root instanceof CollectionNode && ((CollectionNode<?>) root).getFlowStyle() == FlowStyle.FLOW;
            docs.add(new Doc(name(root), flow, start, end, alone, cutStart(text, previousEnd, lineStart)));
            previousEnd = end;
        }
        return docs;
    }

    /** The document defining program {@code name}, if any. */
    static Optional<Doc> find(List<Doc> docs, String name) {
        return docs.stream().filter(doc -> doc.name().filter(name::equals).isPresent()).findFirst();
    }

    /** The text of a document. */
    static String text(String text, Doc doc) {
        return text.substring(doc.start(), doc.end());
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
     * Where the document's last value ends. The end mark of a block collection lies at the next token,
     * which may be lines further down past comments or at the next {@code ---}; so descend to the last
     * leaf, whose end mark is exact.
     */
    private static Optional<Mark> contentEnd(Node node) {
        if (node instanceof CollectionNode && ((CollectionNode<?>) node).getFlowStyle() == FlowStyle.FLOW) {
            return node.getEndMark();
        }
        List<Node> children = new ArrayList<>();
        if (node instanceof MappingNode) {
            ((MappingNode) node).getValue().forEach(tuple -> {
                children.add(tuple.getKeyNode());
                children.add(tuple.getValueNode());
            });
        } else if (node instanceof SequenceNode) {
            children.addAll(((SequenceNode) node).getValue());
        } else {
            ScalarNode scalar = (ScalarNode) node;
            // An empty value ("key:" with nothing after it) is marked where the next token starts.
            boolean empty = scalar.getValue().isEmpty() && scalar.getScalarStyle() == ScalarStyle.PLAIN;
            return empty ? Optional.empty() : node.getEndMark();
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            Optional<Mark> end = contentEnd(children.get(i));
            if (end.isPresent()) {
                return end;
            }
        }
        return node.getStartMark();
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
