package dev.steward.manifest;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Typed reads of composed YAML nodes for one manifest file. Each read that fails records a {@link ManifestError} at
 * the node's position and returns empty instead of throwing, so that one pass reports every problem in the file.
 */
final class NodeReader {

    /** 1-based position of a node in its file. */
    record Position(int line, int column) {
        static Position of(Node node) {
            Optional<Mark> mark = node.getStartMark();
            return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1)).orElse(new Position(0, 0));
        }
    }

    private final Path file;
    private final List<ManifestError> errors = new ArrayList<>();

    NodeReader(Path file) {
        this.file = file;
    }

    List<ManifestError> errors() {
        return errors;
    }

    void error(Node node, String field, String message) {
        Position at = Position.of(node);
        errors.add(new ManifestError(file, at.line(), at.column(), field, message));
    }

    /**
     * The fields of a mapping, after reporting duplicate and unknown field names.
     *
     * @param known     the field names allowed here, listed in hints
     * @param misplaced fields that are known elsewhere, mapped to the path they belong under (for a better hint)
     */
    Optional<Fields> fields(Node node, String path, Collection<String> known, Map<String, String> misplaced) {
        if (!(node instanceof MappingNode)) {
            error(node, path, "must be a mapping of fields such as " + String.join(", ", known)
                    + " (got " + describe(node) + ")");
            return Optional.empty();
        }
        Map<String, Node> values = new LinkedHashMap<>();
        entries((MappingNode) node, path).forEach((name, tuple) -> {
            if (known.contains(name)) {
                values.put(name, tuple.getValueNode());
            } else {
                error(tuple.getKeyNode(), join(path, name), unknownField(name, known, misplaced));
            }
        });
        return Optional.of(new Fields(node, path, values));
    }

    // docker-compose's and kubectl's YAML 1.1 readers merge "<<: *defaults"; YAML 1.2, read here, has no merge key
    private static final String MERGE_KEY = "<<";
    private static final String MERGE_KEY_UNSUPPORTED = "YAML merge keys (<<: *name) are not supported; write the fields out"
            + " in each document";

    private static String unknownField(String name, Collection<String> known, Map<String, String> misplaced) {
        if (name.equals(MERGE_KEY)) {
            return MERGE_KEY_UNSUPPORTED;
        }
        String where = misplaced.get(name);
        if (where != null) {
            return "unknown field \"" + name + "\" here; it belongs under " + where + " (" + where + "." + name + ")";
        }
        Optional<String> supervisor = FieldSuggestions.supervisorOption(name);
        if (supervisor.isPresent()) {
            return "unknown field \"" + name + "\"; " + supervisor.get();
        }
        return FieldSuggestions.closest(name, known)
                .map(best -> "unknown field \"" + name + "\"; did you mean \"" + best + "\"?")
                .orElseGet(() -> "unknown field \"" + name + "\"; the fields allowed here are "
                        + String.join(", ", known));
    }

    /** A mapping's entries by key text, reporting keys that are not scalars and keys given twice. */
    private Map<String, NodeTuple> entries(MappingNode node, String path) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode)) {
                error(key, path, "has a " + describe(key) + " as a field name; field names must be plain text");
                continue;
            }
            String name = ((ScalarNode) key).getValue();
            NodeTuple first = entries.putIfAbsent(name, tuple);
            if (first != null) {
                error(key, join(path, shownName(path, name)), "is given twice (first at line "
                        + Position.of(first.getKeyNode()).line() + "); remove one of them");
            }
        }
        return entries;
    }

    /**
     * Text of a scalar; numbers and booleans count as their text, since {@code PORT: 8080} clearly means "8080". A NUL
     * character (written {@code \0} or {@code \x00} in double quotes) is refused: an argument, an environment value or
     * a path ends at it, so the child would get less than the manifest says, and a command could not start at all.
     */
    Optional<String> text(Node node, String field) {
        if (node instanceof ScalarNode && isOneOf(node.getTag(), Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL)) {
            String text = ((ScalarNode) node).getValue();
            int nul = text.indexOf('\0');
            if (nul >= 0) {
                error(node, field, "contains a NUL character (character " + (nul + 1) + ", written \\0 or \\x00 in"
                        + " double quotes), which no argument, path or environment value can hold; remove it");
                return Optional.empty();
            }
            return Optional.of(text);
        }
        error(node, field, "must be text (got " + describe(node, field) + ")");
        return Optional.empty();
    }

    /** Text that is not empty. */
    Optional<String> nonEmptyText(Node node, String field, String hint) {
        Optional<String> text = text(node, field);
        if (text.isPresent() && text.get().isEmpty()) {
            error(node, field, "must not be empty; " + hint);
            return Optional.empty();
        }
        return text;
    }

    /** A YAML integer within [min, max]. */
    Optional<Integer> integer(Node node, String field, int min, int max) {
        String bounds = bounds(min, max);
        Optional<BigInteger> value = wholeNumber(node, field, bounds.isEmpty() ? "" : ", " + bounds);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        boolean tooLarge = value.get().compareTo(BigInteger.valueOf(max)) > 0;
        if (tooLarge || value.get().compareTo(BigInteger.valueOf(min)) < 0) {
            // Past an open end ("0 or more", or no bound written at all), say which end: "must be 0 or more (got 1e20)" would not
            boolean openEnd = tooLarge ? max == Integer.MAX_VALUE : min == Integer.MIN_VALUE;
            error(node, field, openEnd ? "is too " + (tooLarge ? "large" : "small") + " (got " + value.get() + "); use at "
                    + (tooLarge ? "most " + max : "least " + min) : "must be " + bounds + " (got " + value.get() + ")");
            return Optional.empty();
        }
        return Optional.of(value.get().intValueExact());
    }

    /** A YAML integer of 0 or more that fits in a long. */
    Optional<Long> nonNegativeLong(Node node, String field) {
        Optional<BigInteger> value = wholeNumber(node, field, ", 0 or more");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get().signum() < 0) {
            error(node, field, "must not be negative (got " + value.get() + "); use 0 or more");
            return Optional.empty();
        }
        if (value.get().bitLength() > 63) {
            error(node, field, "is too large (got " + value.get() + "); use at most " + Long.MAX_VALUE);
            return Optional.empty();
        }
        return Optional.of(value.get().longValue());
    }

    private Optional<BigInteger> wholeNumber(Node node, String field, String bounds) {
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag())) {
            try {
                return Optional.of(yamlInteger(((ScalarNode) node).getValue()));
            } catch (NumberFormatException e) {
                // Only reachable through an explicit !!int tag on text that is not a number.
            }
        }
        error(node, field, "must be a whole number" + bounds + " (got " + describe(node) + ")"
                + (looksLikeQuotedNumber(node) ? "; remove the quotes" : ""));
        return Optional.empty();
    }

    Optional<Boolean> bool(Node node, String field) {
        if (node instanceof ScalarNode && Tag.BOOL.equals(node.getTag())) {
            return Optional.of(Boolean.parseBoolean(((ScalarNode) node).getValue()));
        }
        error(node, field, "must be true or false (got " + describe(node) + ")" + booleanHint(node));
        return Optional.empty();
    }

    /**
     * What to write instead of a value meant as a boolean: {@code "false"} quoted, or supervisord's and YAML 1.1's
     * {@code yes}, {@code on} and {@code 1}, which YAML 1.2 (read here) takes as text and a number.
     */
    private static String booleanHint(Node node) {
        if (!(node instanceof ScalarNode) || !isOneOf(node.getTag(), Tag.STR, Tag.INT)) {
            return "";
        }
        String value = ((ScalarNode) node).getValue();
        if (Tag.STR.equals(node.getTag()) && value.matches("true|True|TRUE|false|False|FALSE")) {
            return "; remove the quotes";
        }
        String meant = value.toLowerCase(Locale.ROOT);
        String bool = meant.matches("yes|y|on|1") ? "true" : meant.matches("no|n|off|0") ? "false" : null;
        return bool == null ? "" : "; write " + bool + " (YAML 1.2 reads " + value + " as "
                + (Tag.INT.equals(node.getTag()) ? "a number" : "text") + ", not as " + bool + ")";
    }

    /** The items of a sequence. */
    Optional<List<Node>> list(Node node, String field, String example) {
        if (node instanceof SequenceNode) {
            return Optional.of(((SequenceNode) node).getValue());
        }
        error(node, field, "must be a list such as " + example + " (got " + describe(node) + ")");
        return Optional.empty();
    }

    /**
     * A mapping of text to text, such as labels or environment.
     *
     * @param keyProblem returns why a key is not allowed, or null when it is
     */
    Optional<Map<String, String>> textMap(Node node, String field, String example,
                                          Function<String, String> keyProblem) {
        return textMap(node, field, example, keyProblem, value -> null);
    }

    /** As {@link #textMap(Node, String, String, Function)}, with each value checked too (null: no problem). */
    Optional<Map<String, String>> textMap(Node node, String field, String example,
                                          Function<String, String> keyProblem, Function<String, String> valueProblem) {
        if (!(node instanceof MappingNode)) {
            error(node, field, "must be a mapping such as " + example + " (got " + describe(node, field) + ")");
            return Optional.empty();
        }
        int before = errors.size();
        Map<String, String> result = new LinkedHashMap<>();
        entries((MappingNode) node, field).forEach((key, tuple) -> {
            String keyField = join(field, shownName(field, key));
            if (key.equals(MERGE_KEY)) { // environment: {<<: *common}: not a variable named "<<"
                error(tuple.getKeyNode(), keyField, MERGE_KEY_UNSUPPORTED);
                return;
            }
            String problem = keyProblem.apply(key);
            if (problem != null) {
                error(tuple.getKeyNode(), keyField, problem);
            }
            text(tuple.getValueNode(), keyField).ifPresent(value -> {
                String wrong = valueProblem.apply(value);
                if (wrong != null) {
                    error(tuple.getValueNode(), keyField, wrong);
                }
                result.put(key, value);
            });
        });
        return errors.size() == before ? Optional.of(result) : Optional.empty();
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * As {@link #describe(Node)}, but a value in {@code field} that may be a password (an environment variable's, a
     * command argument) is not shown: a rejected file's first error is in {@code /q/health/ready}, which needs no token.
     */
    static String describe(Node node, String field) {
        if (!mayBeSecret(field) || !(node instanceof ScalarNode) || Tag.NULL.equals(node.getTag())) {
            return describe(node);
        }
        Tag tag = node.getTag();
        String what = isOneOf(tag, Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL) ? "text" : "a value tagged " + tag.getValue();
        return what + ", not shown: it may be a password";
    }

    /** Whether a value in {@code field} may be a password: an environment variable's, a command argument. */
    private static boolean mayBeSecret(String field) {
        return field.equals("spec.environment") || field.startsWith("spec.environment.")
                || field.equals("spec.command") || field.startsWith("spec.command[");
    }

    /**
     * A key of the mapping {@code path} as errors name it: in an environment, without what follows an {@code =}, which
     * is a password as often as not ({@code {DB_PASSWORD="hunter2"}}, supervisord's form in braces).
     */
    private static String shownName(String path, String key) {
        int equals = key.indexOf('=');
        return equals < 0 || !mayBeSecret(path) ? key : key.substring(0, equals) + "=...";
    }

    /** How a node is shown after "got": {@code "text"}, {@code 12}, {@code true}, {@code nothing}, {@code a list}. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = node.getTag();
        if (Tag.NULL.equals(tag)) {
            return "nothing";
        }
        if (isOneOf(tag, Tag.INT, Tag.FLOAT, Tag.BOOL)) {
            return scalar.getValue();
        }
        if (!Tag.STR.equals(tag)) {
            return "\"" + scalar.getValue() + "\" tagged " + tag.getValue();
        }
        return "\"" + scalar.getValue() + "\"";
    }

    /** Core-schema integer text: optional sign and decimal digits, or 0o octal, or 0x hex. */
    static BigInteger yamlInteger(String text) {
        if (text.startsWith("0o")) {
            return new BigInteger(text.substring(2), 8);
        }
        if (text.startsWith("0x")) {
            return new BigInteger(text.substring(2), 16);
        }
        return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }

    private static boolean looksLikeQuotedNumber(Node node) {
        return node instanceof ScalarNode && Tag.STR.equals(node.getTag())
                && ((ScalarNode) node).getValue().matches("-?[0-9]+");
    }

    /** The allowed range in words, empty when any int is allowed. */
    private static String bounds(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            return min == Integer.MIN_VALUE ? "" : min == 0 ? "0 or more" : "at least " + min;
        }
        return "from " + min + " to " + max;
    }

    private static boolean isOneOf(Tag tag, Tag... tags) {
        for (Tag candidate : tags) {
            if (candidate.equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /** A mapping's fields that passed the unknown-name check. */
    static final class Fields {
        private final Node node;
        private final String path;
        private final Map<String, Node> values;

        private Fields(Node node, String path, Map<String, Node> values) {
            this.node = node;
            this.path = path;
            this.values = values;
        }

        /** The mapping node itself, where "missing field" errors point. */
        Node node() {
            return node;
        }

        Optional<Node> get(String name) {
            return Optional.ofNullable(values.get(name));
        }

        /** The path of one of this mapping's fields, e.g. {@code spec.logs} for {@code logs} in {@code spec}. */
        String path(String name) {
            return join(path, name);
        }
    }
}
