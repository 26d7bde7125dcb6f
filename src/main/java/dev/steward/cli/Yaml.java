package dev.steward.cli;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** YAML through snakeyaml-engine: loaded only by the verbs that need it ({@code -o yaml}, diff, delete -f). */
final class Yaml {
    private Yaml() {
    }

    /** Block-style YAML of a JSON-like tree, kubectl's layout (list items at their key's indent). */
    static String dump(Object tree) {
        DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setIndent(2)
                .setSplitLines(false).setWidth(Integer.MAX_VALUE).build();
        return new Dump(settings).dumpToString(tree);
    }

    /** Every document of a YAML stream (empty documents skipped). */
    static List<Object> loadAll(String text, String file) {
        List<Object> documents = new ArrayList<>();
        try {
            for (Object document : new Load(LoadSettings.builder().setLabel(file).build()).loadAllFromString(text)) {
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (YamlEngineException e) {
            throw new CliException(StewardCli.EXIT_FAILED, "cannot read " + file + " as YAML: " + e.getMessage().strip());
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
