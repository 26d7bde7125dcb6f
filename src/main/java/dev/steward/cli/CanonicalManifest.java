package dev.steward.cli;

import dev.steward.manifest.ManifestFile;
import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.ManifestRenderer;
import dev.steward.manifest.ProgramSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way to write a program down, for {@code diff}: both the daemon's manifest and the file's
 * document are read by the daemon's own manifest reader (so defaults, {@code 10Mi}, {@code SIGTERM},
 * a command string, ... mean exactly what they mean to the daemon) and written back by the daemon's
 * own renderer: every field, README order, sorted labels and environment, signal names; sizes as
 * docs/cli.md shows them, {@code 10Mi} (the renderer's bytes read back the same but are hard to read).
 * Only real differences remain.
 */
final class CanonicalManifest {
    private CanonicalManifest() {
    }

    /** The programs of a manifest text, by name; empty when the text does not read as manifests. */
    static Map<String, ProgramSpec> read(String text, String label) {
        ManifestFile file = new ManifestLoader().parse(Path.of(label), text);
        Map<String, ProgramSpec> programs = new LinkedHashMap<>();
        if (file.valid()) {
            file.programs().forEach(p -> programs.put(p.name(), p));
        }
        return programs;
    }

    /** The daemon's {@code manifest} object (from JSON) as a spec, or null when it does not read back. */
    static ProgramSpec fromLive(Object manifest, String name) {
        if (manifest == null) {
            return null;
        }
        return read(Yaml.dump(manifest), "live").get(name);
    }

    static String yaml(ProgramSpec spec) {
        return Yaml.dump(render(spec));
    }

    /**
     * The daemon's rendering ({@link ManifestRenderer}, what {@code GET /programs/NAME} shows as
     * {@code manifest}) with each log stream's {@code maxBytes} as {@link #size}.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> render(ProgramSpec spec) {
        Map<String, Object> manifest = ManifestRenderer.manifest(spec);
        Map<String, Object> logs = (Map<String, Object>) ((Map<String, Object>) manifest.get("spec")).get("logs");
        ((Map<String, Object>) logs.get("stdout")).put("maxBytes", size(spec.logs().stdout().maxBytes()));
        ((Map<String, Object>) logs.get("stderr")).put("maxBytes", size(spec.logs().stderr().maxBytes()));
        return manifest;
    }

    /** {@code 10Mi} rather than 10485760 when it is a whole number of Ki, Mi or Gi. */
    static Object size(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        long[] factors = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes > 0 && bytes % factors[i] == 0) {
                return bytes / factors[i] + units[i];
            }
        }
        return bytes;
    }
}
