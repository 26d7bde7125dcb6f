package dev.steward.cli;

import dev.steward.manifest.ManifestLoader;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.RepresentToNode;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** YAML through snakeyaml-engine: loaded only by the verbs that need it ({@code -o yaml}, diff, delete -f). */
final class Yaml {
    private Yaml() {
    }

    /** Block-style YAML of a JSON-like tree, kubectl's layout (list items at their key's indent). */
    static String dump(Object tree) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setSplitLines(false).setWidth(Integer.MAX_VALUE).setSchema(new QuotingSchema()).build();
        String yaml = new Dump(settings, new QuotingRepresenter(settings)).dumpToString(tree);
        if (yaml.indexOf(0x2028) < 0 && yaml.indexOf(0x2029) < 0) {
            return yaml;
        }
        // Only in a double-quoted string (QuotingRepresenter), where the emitter writes them raw. Their escapes \L and \P
        // are YAML's, but snakeyaml-engine does not read them, so the numbered escape, which every reader takes.
        return yaml.replace(String.valueOf((char) 0x2028), "\\" + "u2028").replace(String.valueOf((char) 0x2029), "\\" + "u2029");
    }

    /**
     * Strings holding NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR (U+0085, U+2028, U+2029) double-quoted, where they are
     * written as escapes ({@code \N} for NEL, see {@link #dump} for the others). Left to itself the emitter wrote the last two raw in
     * a plain scalar and NEL in a literal block: YAML 1.2 (this client, the daemon) reads those as text, but YAML 1.1
     * readers (PyYAML, Go's yaml.v2) read them as line breaks, so a script's {@code yaml.safe_load} failed or got another
     * string.
     */
    private static final class QuotingRepresenter extends StandardRepresenter {
        QuotingRepresenter(DumpSettings settings) {
            super(settings);
            RepresentToNode strings = representers.get(String.class);
            representers.put(String.class, new RepresentToNode() { // not a lambda: see QuotingSchema
                @Override
                public Node representData(Object data) {
                    String s = data.toString();
                    return hasYaml11LineBreak(s) ? representScalar(Tag.STR, s, ScalarStyle.DOUBLE_QUOTED) : strings.representData(data);
                }
            });
        }

        private static boolean hasYaml11LineBreak(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == 0x85 || c == 0x2028 || c == 0x2029) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The schema the output is written for: a string is quoted wherever a reader could take it for something else. The
     * default (JSON) schema left {@code "007"} and {@code "0x1F"} plain, which the daemon's own manifest reader (the core
     * schema) reads as numbers, and {@code "on"}, {@code "yes"}, {@code "no"}, {@code "off"} plain, which YAML 1.1 readers
     * (PyYAML, Go's yaml.v2, kubectl's) read as booleans, as they read {@code 12:30} and {@code 2024-01-01} as a number and
     * a date; kubectl's {@code -o yaml} quotes them all.
     */
    private static final class QuotingSchema extends CoreSchema {
        /** YAML 1.1's booleans, base-60 numbers ({@code 12:30} is 750) and timestamps ({@code 2024-01-01}). */
        private static final Pattern YAML_1_1_NOT_A_STRING = Pattern.compile("y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
                + "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \\t].*)?");

        @Override
        public ScalarResolver getScalarResolver() {
            ScalarResolver core = super.getScalarResolver();
            return new ScalarResolver() { // not a lambda: the client's few lambdas are kept for its common paths
                @Override
                public Tag resolve(String value, Boolean implicit) {
                    // Any tag but a string's has the dumper quote the value; which one does not matter
                    return implicit && YAML_1_1_NOT_A_STRING.matcher(value).matches() ? Tag.BOOL : core.resolve(value, implicit);
                }
            };
        }
    }

    /** Every document of a YAML stream (empty documents skipped). */
    static List<Object> loadAll(String text, String file) {
        List<Object> documents = new ArrayList<>();
        try {
            // Tabs ending lines, as the daemon takes them (snakeyaml-engine refuses one after a list or a quoted value)
            String yaml = text.indexOf('\t') < 0 ? text : ManifestLoader.tabsAtLineEndsAsSpaces(text);
            for (Object document : new Load(LoadSettings.builder().setLabel(file).build()).loadAllFromString(yaml)) {
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (YamlEngineException e) {
            throw new CliException(StewardCli.EXIT_FAILED, "cannot read " + file + " as YAML: " + e.getMessage().strip());
        } catch (StackOverflowError e) {
            // snakeyaml-engine recurses once per nesting level; thousands of "[" printed a stack trace of a thousand lines
            throw new CliException(StewardCli.EXIT_FAILED, "cannot read " + file + " as YAML: it is nested too deeply;"
                    + " a manifest needs only a few levels");
        }
        return documents;
    }

    /** The same tree with every map's keys sorted, so two renderings compare line by line. */
    static Object sorted(Object tree) {
        if (tree instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return new LinkedHashMap<>(out);
        }
        if (tree instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(sorted(v)));
            return out;
        }
        if (tree instanceof Integer i) {
            return i.longValue();
        }
        if (tree instanceof java.math.BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : b.toString();
        }
        return tree;
    }
}
