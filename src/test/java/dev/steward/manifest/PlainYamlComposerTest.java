package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The plain-subset composer against snakeyaml-engine itself: whatever it composes must be the tree
 * snakeyaml-engine composes, and everything outside its subset must be left to snakeyaml-engine.
 */
class PlainYamlComposerTest {

    private static final LoadSettings SETTINGS = LoadSettings.builder().setSchema(ManifestLoader.SCHEMA).build();

    // ---- what it composes ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        // bench/run's manifest
        """
        apiVersion: steward.dev/v1
        kind: Program
        metadata: {name: p1}
        spec:
          command: ["/bin/sh", "/tmp/child.sh", "/dev/shm/x/p1.pid"]
          startSeconds: 0
          logs:
            stdout: {maxBytes: 50MB, backups: 10}
            stderr: {maxBytes: 50MB, backups: 10}
        """,
        // block style, comments, blank lines, several documents
        """
        # two programs
        ---
        apiVersion: steward.dev/v1   # the only version
        kind: Program

        metadata:
          name: api
          labels:
            tier: backend
            version: '2'
        spec:
          # argv, one item per line
          command:
            - python3
            - -m
            - http.server
            - "8080"
          environment: {PORT: "8080", DEBUG: 1, MODE: it's}
          directory: /srv/api:v2
          exitCodes: [0, 2]
          replicas: 2
          priority: -5
          autostart: false
          umask: 0o22
        --- # the second one
        apiVersion: steward.dev/v1
        kind: Program
        metadata: {name: worker, labels: {}}
        spec:
          command: /usr/bin/worker --queue=jobs --max 10
          restartPolicy: Always
          logs: {stdout: {file: none}, redirectStderr: true}
          exitCodes: []
        """,
        "a: 1\nb: [x, [y, z], {k: v}]\nc: {d: {e: f}}\n",
        "key with spaces: value with spaces and a#hash\nnull: ~\ntrue: yes\nlist: ['it''s', \"#not a comment\", -x]",
        "unicode: 日本語 é\nnbsp: a\u00a0b\n",
        "",
        "# only a comment\n",
        "---\n---\na: b\n",
    })
    void composesTheTreeSnakeyamlComposes(String text) {
        Optional<List<Node>> plain = compose(text);
        assertTrue(plain.isPresent(), () -> "left to snakeyaml-engine: " + text);
        assertSameDocuments(snakeyaml(text), plain.get(), text);
    }

    @Test
    void composesTheExampleManifests() throws IOException {
        try (var files = Files.list(Path.of("manifests"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                String text = Files.readString(file);
                compose(text)
                        .ifPresent(plain -> assertSameDocuments(snakeyaml(text), plain, file.toString()));
            }
        }
    }

    /**
     * A file's documents one at a time, each composed when it is asked for: the first of a text is given before the
     * composer has looked at the second, which here is outside the subset. A file's whole node tree is some thirty times
     * its size, which for three 1 MiB files of 9,500 programs in one apply took the daemon past its heap.
     */
    @Test
    void composesEachDocumentWhenItIsAskedFor() {
        String first = "apiVersion: steward.dev/v1\nkind: Program\n";
        Iterator<Node> documents = PlainYamlComposer.documents(first + "---\na:\n- indentless\n",
                ManifestLoader.SCHEMA.getScalarResolver());
        assertTrue(documents.hasNext());
        assertSameDocuments(snakeyaml(first), List.of(documents.next()), first);
        assertThrows(PlainYamlComposer.NotPlain.class, documents::hasNext);
    }

    // ---- what it leaves to snakeyaml-engine ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        "a: &x 1\nb: *x\n", // anchor, alias
        "a: !!str 1\n", // tag
        "%YAML 1.2\n---\na: 1\n", // directive
        "a: |\n  text\n", // block scalars
        "a: >\n  text\n",
        "a: one\n  two\n", // multi-line plain scalar
        "a: 'one\n  two'\n", // multi-line quoted scalar
        "a: [x,\n  y]\n", // multi-line flow
        "a:\n- x\n", // indentless sequence
        "a:\nb: 1\n", // empty value
        "a:\n", "a: # nothing\n",
        "a: \"tab\\there\"\n", // escape
        "a: b\tc\n", // tab
        "a: b\r\nc: d\r\n", // carriage returns
        "\"a\": 1\n", "'a': 1\n", // quoted keys
        "a: {\"k\": v}\n",
        "? a\n: b\n", // complex key
        "a:\n  - - x\n", // nested block sequences
        "a:\n  - k: v\n", // mapping in a sequence
        "a:\n  -\n    x\n",
        "a: [x, ]\n", "a: [x,, y]\n", "a: {k: }\n", "a: {k:v}\n", "a: [k: v]\n", "a: [x:y]\n", // flow oddities
        "--- {a: 1}\n", "---a: 1\n", "a: 1\n...\n", // document markers with content
        "\uFEFFa: 1\n", // byte order mark
        "a: \uD83D\uDE00\n", // outside the BMP
        "a: \u0007\n", // not printable
        "<<: {a: 1}\n", // merge key
        "  a: 1\n", // indented root
        "- a\n- b\n", "[a, b]\n", "{a: b}\n", "text\n", // roots other than a block mapping
        "a: 1\n  b: 2\n", // indentation YAML rejects
        "a: b: c\n", "a: b:\n", "a: \"x\"y\n", "a: [x]#c\n", // values YAML rejects
        "a : 1\n", // a space before the colon
        "a: ?x\n", "a: @x\n", "a: `x`\n", "a: %x\n", "a: ,x\n", "a: ]x\n", "a: }x\n", "a: #x\n" + "b: 1\n",
    })
    void leavesEverythingElseToSnakeyaml(String text) {
        assertEquals(Optional.empty(), compose(text),
                () -> "composed: " + text);
    }

    // ---- generated texts ----------------------------------------------------------------------------------

    /**
     * Thousands of generated texts mixing the subset with what lies just outside it: whenever the composer
     * composes one, snakeyaml-engine must accept it and compose the same tree. Seeded, so a failure repeats.
     */
    @Test
    void agreesWithSnakeyamlOnGeneratedTexts() {
        Random random = new Random(20261206);
        int composed = 0;
        int texts = 4000;
        for (int i = 0; i < texts; i++) {
            String text = new Generator(random).text();
            Optional<List<Node>> plain = compose(text);
            if (plain.isEmpty()) {
                continue;
            }
            composed++;
            List<Node> expected;
            try {
                expected = snakeyaml(text);
            } catch (YamlEngineException e) {
                fail("composed a text snakeyaml-engine rejects (" + e.getMessage() + "):\n" + text);
                return;
            }
            assertSameDocuments(expected, plain.get(), text);
        }
        // The generator must exercise both sides: a composer that always gave up would pass the rest.
        assertTrue(composed > texts / 10 && composed < texts * 9 / 10, "composed " + composed + " of " + texts);
    }

    /** Random documents: block and flow collections, scalars in every style, comments, odd spacing. */
    private static final class Generator {
        private static final String[] KEYS = {"apiVersion", "kind", "name", "spec", "a b", "x-y", "k_1", "10",
            "true", "null", "é", "k.v", "a#b"};
        private static final String[] ODD_KEYS = {"-dash", "key:colon", "<<", "'quoted'", "\"dq\"", "a #b", "[k]",
            "k ", "?k", "-"};
        private static final String[] SCALARS = {"web", "steward.dev/v1", "0", "-5", "+3", "0o17", "0x1F", "1.5",
            "1e3", ".inf", "-.Inf", ".nan", "true", "False", "yes", "~", "null", "NULL", "50MB", "a b c", "it's",
            "a#b", "--port=8080", "-x", "a  b", "日本", "'q'", "'it''s'", "\"dq\"", "\"a # b\"", "\"a: b\"",
            "'a, b'", "\"\"", "''", "'\"'", "\"'\""};
        private static final String[] ODD_SCALARS = {"http://x:80/y", "a #b", "-", "a:b", "a: b", "[x", "x]", "x,y",
            "{x}", "a\tb", "C:\\x", "*star", "&amp", "!tag", "%x", "@x", "`x", "#hash", ":colon", "?q", "- x",
            "x:", "...", "'open", "\"open", "a'b'", "<<"};
        private final Random random;
        private final StringBuilder out = new StringBuilder();

        Generator(Random random) {
            this.random = random;
        }

        String text() {
            int documents = 1 + random.nextInt(3);
            for (int d = 0; d < documents; d++) {
                if (d > 0 || random.nextInt(4) == 0) {
                    out.append(odd() ? pick("--- x\n", "---x\n", "...\n") : pick("---\n", "--- # next\n", "---  \n"));
                }
                mapping(0, 1 + random.nextInt(4), 0);
            }
            return out.toString();
        }

        private void mapping(int indent, int entries, int depth) {
            for (int i = 0; i < entries; i++) {
                noise(indent);
                out.append(" ".repeat(indent)).append(key()).append(':');
                value(indent, depth);
            }
        }

        private void value(int indent, int depth) {
            int kind = odd() ? 5 + random.nextInt(2) : random.nextInt(depth > 2 ? 3 : 5);
            if (kind < 3) {
                out.append(" ".repeat(1 + random.nextInt(2))).append(kind == 0 ? flow(depth) : scalar());
                endLine();
            } else if (kind == 3) {
                endLine();
                mapping(indent + pick(1, 2, 4), 1 + random.nextInt(3), depth + 1);
            } else if (kind == 4) {
                endLine();
                int inner = indent + pick(0, 2, 2, 3);
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    noise(inner);
                    out.append(" ".repeat(inner)).append(pick("- ", "-  ", "-")).append(random.nextBoolean() ? flow(depth) : scalar());
                    endLine();
                }
            } else if (kind == 5) {
                endLine(); // an empty value, or the start of a multi-line scalar
                if (random.nextBoolean()) {
                    out.append(" ".repeat(indent + 2)).append(scalar()).append('\n');
                }
            } else {
                out.append(' ').append(scalar()).append('\n').append(" ".repeat(indent + pick(0, 2))).append(scalar());
                endLine();
            }
        }

        private String flow(int depth) {
            StringBuilder flow = new StringBuilder();
            boolean sequence = random.nextBoolean();
            flow.append(sequence ? '[' : '{').append(pick("", " ", ""));
            for (int i = 0, n = random.nextInt(4); i < n; i++) {
                if (i > 0) {
                    flow.append(pick(", ", ",", " , ", ",  "));
                }
                if (!sequence) {
                    flow.append(key()).append(odd() ? pick(":", " : ") : pick(": ", ":  "));
                }
                flow.append(depth < 3 && random.nextInt(5) == 0 ? flow(depth + 1) : scalar());
            }
            return flow.append(odd() ? ", " : pick("", " ")).append(sequence ? ']' : '}').toString();
        }

        private void endLine() {
            out.append(odd() ? pick("# not one", "\t", " x") : pick("", "", "", "  ", " # comment", "  #: [x]"));
            out.append(odd() ? "\r\n" : "\n");
        }

        private void noise(int indent) {
            if (random.nextInt(5) == 0) {
                out.append(pick("\n", "   \n", "# a comment\n", " ".repeat(indent + 1) + "# indented comment\n"));
            }
        }

        /** Now and then, something just outside the subset (or outside YAML). */
        private boolean odd() {
            return random.nextInt(80) == 0;
        }

        private String key() {
            return odd() ? pick(ODD_KEYS) : pick(KEYS);
        }

        private String scalar() {
            return odd() ? pick(ODD_SCALARS) : pick(SCALARS);
        }

        private String pick(String... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private int pick(int... choices) {
            return choices[random.nextInt(choices.length)];
        }
    }

    // ---- comparison ---------------------------------------------------------------------------------------

    /** The composer's documents of {@code text}, all of them, or empty when it leaves the text to snakeyaml-engine. */
    private static Optional<List<Node>> compose(String text) {
        List<Node> documents = new ArrayList<>();
        try {
            PlainYamlComposer.documents(text, ManifestLoader.SCHEMA.getScalarResolver()).forEachRemaining(documents::add);
            return Optional.of(documents);
        } catch (PlainYamlComposer.NotPlain e) {
            return Optional.empty();
        }
    }

    /** snakeyaml-engine's documents, without the empty ones (a manifest reader skips those). */
    private static List<Node> snakeyaml(String text) {
        List<Node> documents = new ArrayList<>();
        for (Node document : new Compose(SETTINGS).composeAllFromString(text)) {
            if (!(document instanceof ScalarNode && Tag.NULL.equals(document.getTag())
                    && ((ScalarNode) document).getValue().isEmpty())) {
                documents.add(document);
            }
        }
        return documents;
    }

    private static void assertSameDocuments(List<Node> expected, List<Node> actual, String text) {
        assertEquals(expected.size(), actual.size(), () -> "documents of:\n" + text);
        for (int i = 0; i < expected.size(); i++) {
            assertSameNode(expected.get(i), actual.get(i), "document " + i, text);
        }
    }

    private static void assertSameNode(Node expected, Node actual, String path, String text) {
        String where = path + " of:\n" + text;
        assertEquals(expected.getClass(), actual.getClass(), where);
        assertEquals(expected.getTag(), actual.getTag(), where);
        assertSameMark(expected.getStartMark(), actual.getStartMark(), "start of " + where);
        boolean blockCollection = expected instanceof CollectionNode
                && ((CollectionNode<?>) expected).getFlowStyle() == FlowStyle.BLOCK;
        if (!blockCollection) {
            assertSameMark(expected.getEndMark(), actual.getEndMark(), "end of " + where);
        }
        if (expected instanceof ScalarNode scalar) {
            assertEquals(scalar.getValue(), ((ScalarNode) actual).getValue(), where);
            assertEquals(scalar.getScalarStyle(), ((ScalarNode) actual).getScalarStyle(), where);
        } else if (expected instanceof SequenceNode sequence) {
            assertEquals(sequence.getFlowStyle(), ((SequenceNode) actual).getFlowStyle(), where);
            List<Node> items = ((SequenceNode) actual).getValue();
            assertEquals(sequence.getValue().size(), items.size(), where);
            for (int i = 0; i < items.size(); i++) {
                assertSameNode(sequence.getValue().get(i), items.get(i), path + "[" + i + "]", text);
            }
        } else {
            MappingNode mapping = (MappingNode) expected;
            assertEquals(mapping.getFlowStyle(), ((MappingNode) actual).getFlowStyle(), where);
            List<NodeTuple> tuples = ((MappingNode) actual).getValue();
            assertEquals(mapping.getValue().size(), tuples.size(), where);
            for (int i = 0; i < tuples.size(); i++) {
                assertSameNode(mapping.getValue().get(i).getKeyNode(), tuples.get(i).getKeyNode(), path + " key " + i, text);
                assertSameNode(mapping.getValue().get(i).getValueNode(), tuples.get(i).getValueNode(), path + " value " + i, text);
            }
        }
    }

    private static void assertSameMark(Optional<Mark> expected, Optional<Mark> actual, String where) {
        assertEquals(expected.isPresent(), actual.isPresent(), where);
        if (expected.isPresent()) {
            Mark e = expected.get();
            Mark a = actual.get();
            assertEquals(List.of(e.getName(), e.getIndex(), e.getLine(), e.getColumn()),
                    List.of(a.getName(), a.getIndex(), a.getLine(), a.getColumn()), where);
        }
    }
}
