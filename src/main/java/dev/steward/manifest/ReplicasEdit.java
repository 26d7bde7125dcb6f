package dev.steward.manifest;

import java.util.Optional;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Sets {@code spec.replicas} in a document's text without touching anything else: the number is
 * replaced where it is written, or {@code replicas: N} is added as the first field of a block
 * {@code spec:} mapping, indented like the field it goes before.
 */
final class ReplicasEdit {

    private ReplicasEdit() {
    }

    /** Records the edit in {@code file}. @throws ManifestConflictException when the layout does not allow it */
    static void apply(FileEdit file, YamlDocuments.Doc doc, int replicas) {
        String text = file.original();
        String docText = YamlDocuments.text(text, doc);
        int base = doc.start(); // the document's marks count from there
        Node spec = YamlDocuments.entry(YamlDocuments.root(docText), "spec").map(NodeTuple::getValueNode).orElseThrow();
        Optional<NodeTuple> current = YamlDocuments.entry(spec, "replicas");
        if (current.isPresent() && current.get().getValueNode() instanceof ScalarNode) {
            Node value = current.get().getValueNode();
            int keyEnd = YamlDocuments.index(docText, current.get().getKeyNode().getEndMark());
            int valueStart = YamlDocuments.index(docText, value.getStartMark());
            if (valueStart < keyEnd) {
                // An alias (replicas: *n) composes to the anchored value, lines above: the alias is what to replace
                int alias = aliasAfter(docText, keyEnd);
                file.splice(base + alias, base + tokenEnd(docText, alias), Integer.toString(replicas));
                return;
            }
            int valueEnd = YamlDocuments.index(docText, value.getEndMark());
            // The node's text starts at its anchor or tag (replicas: &n 3): the number after them is what to replace
            int number = valueStart;
            while (number < valueEnd && (docText.charAt(number) == '&' || docText.charAt(number) == '!')) {
                number = pastProperty(docText, number);
            }
            file.splice(base + number, base + valueEnd, Integer.toString(replicas));
            return;
        }
        if (current.isPresent() || !(spec instanceof MappingNode) || ((MappingNode) spec).getValue().isEmpty()
                || ((CollectionNode<?>) spec).getFlowStyle() == FlowStyle.FLOW) {
            throw flowStyle(file, doc);
        }
        Node firstKey = ((MappingNode) spec).getValue().get(0).getKeyNode();
        int at = base + YamlDocuments.index(docText, firstKey.getStartMark());
        int lineStart = text.lastIndexOf('\n', at - 1) + 1;
        String indent = text.substring(lineStart, at);
        if (!indent.isBlank()) {
            throw flowStyle(file, doc);
        }
        file.splice(at, at, "replicas: " + replicas + "\n" + indent);
    }

    /** Where the alias ({@code *n}) after a key ending at {@code from} starts: past the colon, blanks and comments. */
    private static int aliasAfter(String text, int from) {
        int at = from;
        while (at < text.length() && text.charAt(at) != '*') {
            at = text.charAt(at) == '#' ? Math.max(at + 1, text.indexOf('\n', at)) : at + 1;
        }
        return at;
    }

    /** Where the text after the anchor or tag at {@code from} starts: past it (it has no blanks), blanks and comments. */
    private static int pastProperty(String text, int from) {
        int at = from;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        while (at < text.length() && (Character.isWhitespace(text.charAt(at)) || text.charAt(at) == '#')) {
            at = text.charAt(at) == '#' ? Math.max(at + 1, text.indexOf('\n', at)) : at + 1;
        }
        return at;
    }

    /** The end of the plain token starting at {@code from}: the first blank, line break or flow indicator. */
    private static int tokenEnd(String text, int from) {
        int at = from;
        while (at < text.length() && " \t\r\n,]}".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        return at;
    }

    /** {@code spec} with another replica count. */
    static ProgramSpec withReplicas(ProgramSpec spec, int replicas) {
        return new ProgramSpec(spec.name(), spec.labels(), spec.command(), spec.directory(), spec.environment(),
                spec.user(), spec.umask(), replicas, spec.autostart(), spec.restartPolicy(), spec.restartBackoff(),
                spec.exitCodes(), spec.startSeconds(), spec.startRetries(), spec.stopSignal(), spec.stopTimeoutSeconds(),
                spec.stopAsGroup(), spec.killAsGroup(), spec.priority(), spec.logs());
    }

    private static ManifestConflictException flowStyle(FileEdit file, YamlDocuments.Doc doc) {
        String name = doc.name().orElse("?");
        return new ManifestConflictException("the spec of " + name + " in " + file.path() + " is written in flow"
                + " style ({...}), where Steward cannot add a replicas field without rewriting your formatting;"
                + " add `replicas: N` to it by hand, or apply the manifest again with the new count");
    }
}
