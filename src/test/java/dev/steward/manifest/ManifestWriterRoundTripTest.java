package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.manifest.LogsSpec.StreamLogSpec;
import dev.steward.manifest.ManifestWriter.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ManifestRenderer} renders reads back to the same spec, so applying it back is a no-op. */
class ManifestWriterRoundTripTest {

    static final ProgramSpec FULL = new ProgramSpec("web", Map.of("tier", "frontend", "z", "1"),
            List.of("python3", "-m", "http.server", "8080"), Optional.of("/srv/web"), Map.of("PORT", "8080"),
            Optional.of("www-data"), Optional.of(022), 2, false, RestartPolicy.Always, Optional.of(new RestartBackoff(5, 120, 900)), Set.of(2, 0), 5, 7, 9, 30,
            true, false, -5, new LogsSpec(new StreamLogSpec("/var/log/web.out", 1L << 30, 3),
            new StreamLogSpec(StreamLogSpec.NONE, 0, 0), true));
    static final ProgramSpec DEFAULTS = new ProgramSpec("db", Map.of(), List.of("sleep", "1"), Optional.empty(),
            Map.of(), Optional.empty(), Optional.empty(), 1, true, RestartPolicy.OnFailure, Optional.empty(), Set.of(0), 1, 3, 34, 10,
            false, false, 999, LogsSpec.defaults());

    @TempDir
    Path dir;

    @Test
    void rendersEveryFieldInManifestForm() {
        Map<String, Object> spec = ManifestRenderer.spec(FULL, true);
        assertEquals("022", spec.get("umask"));
        assertEquals("KILL", spec.get("stopSignal"));
        assertEquals(List.of(0, 2), spec.get("exitCodes"));
        assertEquals(Map.of("file", "/var/log/web.out", "maxBytes", 1L << 30, "backups", 3),
                ((Map<?, ?>) spec.get("logs")).get("stdout"));
        assertEquals(Map.of("initialSeconds", 5, "maxSeconds", 120, "resetSeconds", 900), spec.get("restartBackoff"));
        assertEquals(List.of("restartPolicy", "restartBackoff", "exitCodes"),
                List.copyOf(spec.keySet()).subList(7, 10), "README order");
        Map<String, Object> absent = ManifestRenderer.spec(DEFAULTS, true);
        assertEquals(true, absent.containsKey("umask") && absent.get("umask") == null);
        assertEquals(true, absent.containsKey("restartBackoff") && absent.get("restartBackoff") == null);
        assertEquals(false, ManifestRenderer.spec(DEFAULTS, false).containsKey("umask"));
        assertEquals(false, ManifestRenderer.spec(DEFAULTS, false).containsKey("restartBackoff"), "off: left out");
    }

    @Test
    void yamlReadsBackToTheSameSpec() {
        for (ProgramSpec spec : List.of(FULL, DEFAULTS)) {
            ManifestFile back = new ManifestLoader().parse(Path.of("x.yaml"), ManifestRenderer.yaml(spec));
            assertEquals(List.of(), back.errors());
            assertEquals(spec, back.programs().get(0));
        }
    }

    @Test
    void applyingTheRenderedManifestIsUnchanged() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n"
                + "  name: db\nspec:\n  command: sleep 1\n  stopSignal: 34\n");
        String rendered = ManifestRenderer.yaml(DEFAULTS);
        assertEquals(Action.UNCHANGED,
                new ManifestWriter(dir).apply(rendered, Map.of(), Map.of(), false).changes().get(0).action());
    }
}
