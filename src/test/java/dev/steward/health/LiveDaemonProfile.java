package dev.steward.health;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The real daemon and DaemonControl, watching a fresh manifest directory that the test fills. */
public class LiveDaemonProfile implements QuarkusTestProfile {
    static final Path MANIFESTS;

    static {
        try {
            Path base = Files.createDirectories(Path.of("target/health-live"));
            MANIFESTS = Files.createTempDirectory(base, "manifests-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("steward.manifests", MANIFESTS.toString(),
                "steward.state-dir", MANIFESTS.resolveSibling(MANIFESTS.getFileName() + "-state").toString());
    }
}
