package dev.steward.manifest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Composes manifests written in the plain subset of YAML that nearly all of them use, into the node tree
 * snakeyaml-engine composes for the same text, and returns empty for anything outside it, which the
 * caller then composes with snakeyaml-engine (whose errors are the ones users see).
 *
 * <p>Why: a daemon's cold start reads every manifest on a JVM that has compiled nothing yet, and there
 * snakeyaml-engine's general scanner, parser and composer cost about 0.3 ms of CPU per small file plus
 * the JIT compiler's work on their code: a third of the daemon's CPU before its first spawn with 500
 * programs. This composer is a few small methods, quick even when interpreted.
 *
 * <p>The subset: documents separated by lines holding only {@code ---}, each a block mapping starting at
 * column 0; block mappings and block sequences of one-line items; one-line flow sequences and mappings
 * with plain keys; one-line plain, single-quoted and double-quoted (no escapes) scalars; comments and
 * blank lines. Anything else is {@link NotPlain}: anchors, aliases, tags, directives, block and multi-line
 * scalars, empty values, indentless sequences, quoted or complex keys, tabs, carriage returns, non-BMP
 * or non-printable characters, and any text snakeyaml-engine would reject. Start marks (index, line,
 * column) are snakeyaml-engine's, as are the end marks of scalars and flow collections; block
 * collections get no end mark. Marks have no snippet (the text around them, for snakeyaml-engine's own
 * error messages): text it would complain about is left to it. Empty documents are left out (a reader of
 * manifests skips them). Each text gets a composer of its own.
 *
 * <p>Documents are composed one at a time, as they are asked for ({@link #documents}): a file of thousands of
 * documents composes to some thirty times its size in nodes and marks, which a reader that holds them all at
 * once (a 1 MiB file of 9,500 programs, three such files in one apply) took past the daemon's heap.
 */
final class PlainYamlComposer implements Iterator<Node> {

    /** Characters that never appear in the subset, wherever they are: the composer gives up at once. */
    private static final String OUTSIDE = "\\&*!|>%@`?";
    /** Characters a plain scalar cannot start with (the '-' of "-m" is let through separately). */
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`";
    private static final String FLOW_INDICATORS = ",[]{}";

    /**
     * The text is outside the subset, found where the composer got to: the documents composed before it must be
     * thrown away with what was made of them, and the whole text composed by snakeyaml-engine. No stack trace, it
     * is never shown.
     */
    static final class NotPlain extends RuntimeException {
        private NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    /**
     * The buffer of every mark: none. A mark's buffer is the text as code points, four times the text's size, for its
     * snippet alone.
     */
    private static final int[] NO_SNIPPET = new int[0];

    private final String text;
    private final ScalarResolver resolver;
    private final boolean plainCharacters;
    private int pos;
    private int line;
    private int lineStart;
    private Node next;

    private PlainYamlComposer(String text, ScalarResolver resolver) {
        this.text = text;
        this.resolver = resolver;
        plainCharacters = plainCharacters(text);
    }

    /**
     * The non-empty documents of {@code text}, each composed when the iteration comes to it.
     *
     * @throws NotPlain from the iteration, when the text turns out to be outside the subset: at once for a character
     *                  that never appears in it, else at the first document that is not plain
     */
    static Iterator<Node> documents(String text, ScalarResolver resolver) {
        return new PlainYamlComposer(text, resolver);
    }

    @Override
    public boolean hasNext() {
        if (!plainCharacters) {
            throw NOT_PLAIN;
        }
        if (next == null) {
            next = nextDocument();
        }
        return next != null;
    }

    @Override
    public Node next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Node document = next;
        next = null;
        return document;
    }

    private static boolean plainCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean printable = c == '\n' || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
            boolean documentEnd = c == '.' && (i == 0 || text.charAt(i - 1) == '\n') && text.startsWith("...", i);
            if (!printable || OUTSIDE.indexOf(c) >= 0 || documentEnd) {
                return false;
            }
        }
        return true;
    }

    /** The next non-empty document, or null at the end of the text. */
    private Node nextDocument() {
        while (true) {
            int indent = nextContentIndent();
            if (indent < 0) {
                return null;
            }
            if (indent != 0) {
                throw NOT_PLAIN; // an indented root, or content where a document should start
            }
            if (documentStart()) {
                continue;
            }
            return blockMapping(0);
        }
    }

    /** A line holding only "---" (and maybe a comment) is consumed; any other line starting "---" is not plain. */
    private boolean documentStart() {
        if (!text.startsWith("---", pos)) {
            return false;
        }
        pos += 3;
        if (pos < text.length() && text.charAt(pos) != ' ' && text.charAt(pos) != '\n') {
            throw NOT_PLAIN;
        }
        endOfLine();
        return true;
    }

    private MappingNode blockMapping(int indent) {
        List<NodeTuple> tuples = new ArrayList<>();
        Optional<Mark> start = Optional.empty();
        while (true) {
            pos = lineStart + indent;
            if (entryDash()) {
                throw NOT_PLAIN; // a sequence entry where a key belongs
            }
            ScalarNode key = key(false);
            if (start.isEmpty()) {
                start = key.getStartMark();
            }
            if (pos >= text.length() || text.charAt(pos) != ':') {
                throw NOT_PLAIN;
            }
            pos++;
            Node value;
            int next;
            if (lineEndsHere()) {
                endOfLine();
                next = nextContentIndent();
                if (next <= indent) {
                    throw NOT_PLAIN; // an empty value
                }
                pos = lineStart + next;
                value = entryDash() ? blockSequence(next) : blockMapping(next);
                next = nextContentIndent();
            } else {
                value = value(false);
                endOfLine();
                next = nextContentIndent();
                if (next > indent) {
                    throw NOT_PLAIN; // a multi-line scalar, or a value YAML would reject
                }
            }
            tuples.add(new NodeTuple(key, value));
            if (next < indent) {
                break;
            }
            if (next > indent) {
                throw NOT_PLAIN;
            }
            if (indent == 0 && text.startsWith("---", lineStart)) {
                break;
            }
        }
        return new MappingNode(Tag.MAP, true, tuples, FlowStyle.BLOCK, start, Optional.empty());
    }

    private SequenceNode blockSequence(int indent) {
        List<Node> items = new ArrayList<>();
        Optional<Mark> start = Optional.of(mark());
        while (true) {
            pos = lineStart + indent + 1;
            if (lineEndsHere()) {
                throw NOT_PLAIN; // a nested block under "-"
            }
            items.add(value(false));
            endOfLine();
            int next = nextContentIndent();
            if (next < indent) {
                break;
            }
            pos = lineStart + next;
            if (next > indent || !entryDash()) {
                throw NOT_PLAIN;
            }
        }
        return new SequenceNode(Tag.SEQ, true, items, FlowStyle.BLOCK, start, Optional.empty());
    }

    /** Whether "- " (or "-" at the end of a line) starts here. */
    private boolean entryDash() {
        return pos < text.length() && text.charAt(pos) == '-' && (pos + 1 == text.length() || isBlank(text.charAt(pos + 1)));
    }

    /** Skips spaces; true when only a comment or the line's end follows. */
    private boolean lineEndsHere() {
        skipSpaces();
        return pos == text.length() || text.charAt(pos) == '\n' || text.charAt(pos) == '#';
    }

    /** A scalar or flow collection; in block context, the value on the line of its key or "-". */
    private Node value(boolean flow) {
        if (pos >= text.length()) {
            throw NOT_PLAIN;
        }
        return switch (text.charAt(pos)) {
            case '[' -> flowSequence();
            case '{' -> flowMapping();
            case '"', '\'' -> quotedScalar();
            default -> plainScalar(flow);
        };
    }

    /** Consumes the opening bracket of a flow collection and the spaces after it; returns where it opened. */
    private Mark open() {
        Mark start = mark();
        pos++;
        skipSpaces();
        return start;
    }

    private SequenceNode flowSequence() {
        Mark start = open();
        List<Node> items = new ArrayList<>();
        if (!closes(']')) {
            do {
                items.add(value(true));
            } while (nextInFlow(']'));
        }
        return new SequenceNode(Tag.SEQ, true, items, FlowStyle.FLOW, Optional.of(start), Optional.of(mark()));
    }

    private MappingNode flowMapping() {
        Mark start = open();
        List<NodeTuple> tuples = new ArrayList<>();
        if (!closes('}')) {
            do {
                ScalarNode key = key(true);
                if (pos + 1 >= text.length() || text.charAt(pos) != ':' || text.charAt(pos + 1) != ' ') {
                    throw NOT_PLAIN;
                }
                pos++;
                skipSpaces();
                tuples.add(new NodeTuple(key, value(true)));
            } while (nextInFlow('}'));
        }
        return new MappingNode(Tag.MAP, true, tuples, FlowStyle.FLOW, Optional.of(start), Optional.of(mark()));
    }

    /** Consumes {@code close} if it is next. */
    private boolean closes(char close) {
        if (pos < text.length() && text.charAt(pos) == close) {
            pos++;
            return true;
        }
        return false;
    }

    /** After a flow item: true on ", " and another item, false once {@code close} is consumed. */
    private boolean nextInFlow(char close) {
        skipSpaces();
        if (closes(close)) {
            return false;
        }
        if (pos >= text.length() || text.charAt(pos) != ',') {
            throw NOT_PLAIN;
        }
        pos++;
        skipSpaces();
        if (pos >= text.length() || text.charAt(pos) == close || text.charAt(pos) == ',') {
            throw NOT_PLAIN; // a trailing or doubled comma
        }
        return true;
    }

    /** A plain key; "<<" (a merge key to some YAML tools) is left to snakeyaml-engine. */
    private ScalarNode key(boolean flow) {
        ScalarNode key = plainScalar(flow);
        if (key.getValue().equals("<<")) {
            throw NOT_PLAIN;
        }
        return key;
    }

    private ScalarNode plainScalar(boolean flow) {
        if (pos >= text.length()) {
            throw NOT_PLAIN;
        }
        char first = text.charAt(pos);
        boolean dashWord = first == '-' && pos + 1 < text.length() && !isBlank(text.charAt(pos + 1))
                && !(flow && FLOW_INDICATORS.indexOf(text.charAt(pos + 1)) >= 0);
        if (isBlank(first) || (INDICATORS.indexOf(first) >= 0 && !dashWord)) {
            throw NOT_PLAIN;
        }
        Mark start = mark();
        int end = pos;
        int i = pos;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '#' && text.charAt(i - 1) == ' ')) {
                break;
            }
            if (c == ':') {
                char after = i + 1 < text.length() ? text.charAt(i + 1) : '\n';
                if (isBlank(after)) {
                    break;
                }
                if (flow) {
                    throw NOT_PLAIN; // "a:b" in flow context: left to snakeyaml-engine
                }
            }
            if (flow && FLOW_INDICATORS.indexOf(c) >= 0) {
                break;
            }
            i++;
            if (c != ' ') {
                end = i;
            }
        }
        String value = text.substring(pos, end);
        pos = end;
        return new ScalarNode(resolver.resolve(value, true), true, value, ScalarStyle.PLAIN, Optional.of(start),
                Optional.of(mark()));
    }

    private ScalarNode quotedScalar() {
        char quote = text.charAt(pos);
        Mark start = mark();
        StringBuilder value = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= text.length() || text.charAt(i) == '\n') {
                throw NOT_PLAIN; // unterminated on this line: multi-line or broken
            }
            char c = text.charAt(i++);
            if (c == quote) {
                if (quote == '\'' && i < text.length() && text.charAt(i) == '\'') {
                    value.append('\'');
                    i++;
                    continue;
                }
                break;
            }
            value.append(c);
        }
        pos = i;
        String content = value.toString();
        return new ScalarNode(resolver.resolve(content, false), true, content,
                quote == '"' ? ScalarStyle.DOUBLE_QUOTED : ScalarStyle.SINGLE_QUOTED, Optional.of(start),
                Optional.of(mark()));
    }

    /** The rest of a line after its content: spaces and an optional comment, then the line break. */
    private void endOfLine() {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '#') {
            if (text.charAt(pos - 1) != ' ') {
                throw NOT_PLAIN; // "#" right after content does not start a comment
            }
            while (pos < text.length() && text.charAt(pos) != '\n') {
                pos++;
            }
        }
        if (pos == text.length()) {
            lineStart = pos; // the end of the text starts an empty last line
            return;
        }
        if (text.charAt(pos) != '\n') {
            throw NOT_PLAIN;
        }
        startLineAfter(pos);
    }

    /** Moves to the start of the line after the line break at {@code newline}. */
    private void startLineAfter(int newline) {
        pos = newline + 1;
        line++;
        lineStart = pos;
    }

    /**
     * From the start of a line: skips blank and comment-only lines, leaves {@code pos} at the start of the
     * next line with content and returns its indentation, or -1 at the end of the text.
     */
    private int nextContentIndent() {
        while (true) {
            int i = pos;
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '#') {
                return i - pos;
            }
            while (i < text.length() && text.charAt(i) != '\n') {
                i++; // a blank or comment-only line
            }
            if (i == text.length()) {
                pos = i;
                lineStart = i;
                return -1;
            }
            startLineAfter(i);
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\n';
    }

    private Mark mark() {
        return new Mark("reader", pos, line, pos - lineStart, NO_SNIPPET, 0);
    }
}
