package dev.steward.manifest;

import dev.steward.manifest.LogsSpec.StreamLogSpec;
import dev.steward.supervise.Signals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Turns a {@link ProgramSpec} back into a manifest: every field written out with its value in force
 * (defaults filled), in the field order of the README, as plain maps and lists ready for JSON or YAML.
 *
 * <p>What it renders reads back to an equal spec: the stop signal as its name, sizes as whole numbers
 * of bytes, the umask as a three-digit octal string, and absent optional fields left out (a manifest
 * cannot say "null" for them). Keys of labels and environment are sorted so the output is stable.
 */
public final class ManifestRenderer {

    private ManifestRenderer() {
    }

    /** {@code apiVersion}, {@code kind}, {@code metadata} and {@code spec}: a complete manifest document. */
    public static Map<String, Object> manifest(ProgramSpec spec) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", spec.name());
        metadata.put("labels", new TreeMap<>(spec.labels()));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("apiVersion", ProgramReader.API_VERSION);
        manifest.put("kind", ProgramReader.KIND);
        manifest.put("metadata", metadata);
        manifest.put("spec", spec(spec, false));
        return manifest;
    }

    /**
     * The {@code spec} part.
     *
     * @param withAbsent also list {@code directory}, {@code user}, {@code umask} and {@code restartBackoff} as null
     *                   when not set, for readers that want every field present
     */
    public static Map<String, Object> spec(ProgramSpec spec, boolean withAbsent) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("command", List.copyOf(spec.command()));
        putOptional(out, "directory", spec.directory().orElse(null), withAbsent);
        out.put("environment", new TreeMap<>(spec.environment()));
        putOptional(out, "user", spec.user().orElse(null), withAbsent);
        putOptional(out, "umask", spec.umask().map(mask -> String.format("%03o", mask)).orElse(null), withAbsent);
        out.put("replicas", spec.replicas());
        out.put("autostart", spec.autostart());
        out.put("restartPolicy", spec.restartPolicy().name());
        putOptional(out, "restartBackoff", spec.restartBackoff().map(ManifestRenderer::restartBackoff).orElse(null),
                withAbsent);
        out.put("exitCodes", spec.exitCodes().stream().sorted().toList());
        out.put("startSeconds", spec.startSeconds());
        out.put("startRetries", spec.startRetries());
        out.put("stopSignal", Signals.name(spec.stopSignal()));
        out.put("stopTimeoutSeconds", spec.stopTimeoutSeconds());
        out.put("stopAsGroup", spec.stopAsGroup());
        out.put("killAsGroup", spec.killAsGroup());
        out.put("priority", spec.priority());
        Map<String, Object> logs = new LinkedHashMap<>();
        logs.put("stdout", stream(spec.logs().stdout()));
        logs.put("stderr", stream(spec.logs().stderr()));
        logs.put("redirectStderr", spec.logs().redirectStderr());
        out.put("logs", logs);
        return out;
    }

    /** The manifest as a block-style YAML document (no {@code ---}), ending with a line break. */
    public static String yaml(ProgramSpec spec) {
        return yaml((Object) manifest(spec));
    }

    /** Any plain value (maps, lists, text, numbers, booleans) as block-style YAML, ending with a line break. */
    static String yaml(Object value) {
        // The loader's schema, so that text which would read back as a number or boolean gets quoted.
        DumpSettings settings = DumpSettings.builder().setSchema(new CoreSchema()).setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2).setIndicatorIndent(2).setIndentWithIndicator(true).setWidth(120).build();
        return new Dump(settings).dumpToString(value);
    }

    private static Map<String, Object> stream(StreamLogSpec stream) {
        return ordered("file", stream.file(), "maxBytes", stream.maxBytes(), "backups", stream.backups());
    }

    private static Map<String, Object> restartBackoff(RestartBackoff backoff) {
        return ordered("initialSeconds", backoff.initialSeconds(), "maxSeconds", backoff.maxSeconds(),
                "resetSeconds", backoff.resetSeconds());
    }

    /** A mapping of names and values, given alternately, in that order (and open to changes: see CanonicalManifest). */
    private static Map<String, Object> ordered(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }

    private static void putOptional(Map<String, Object> out, String key, Object value, boolean withAbsent) {
        if (value != null || withAbsent) {
            out.put(key, value);
        }
    }
}
