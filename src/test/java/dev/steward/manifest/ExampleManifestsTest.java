package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifests the repository ships in manifests/, which `bin/steward serve` runs as they are. */
class ExampleManifestsTest {

    private static List<ManifestFile> examples() throws IOException {
        try (var files = Files.list(Path.of("manifests"))) {
            List<Path> yaml = files.filter(ManifestSource::isManifestName).sorted().toList();
            assertFalse(yaml.isEmpty(), "no example manifests in manifests/");
            ManifestLoader loader = new ManifestLoader();
            List<ManifestFile> read = new ArrayList<>();
            for (Path file : yaml) {
                read.add(loader.parse(file, Files.readString(file)));
            }
            return read;
        }
    }

    @Test
    void everyExampleIsValid() throws IOException {
        for (ManifestFile file : examples()) {
            assertEquals(List.of(), file.errors(), file.path().toString());
            assertFalse(file.programs().isEmpty(), file.path().toString());
        }
    }

    /**
     * python3 -m http.server serves its working directory unless given --directory: the daemon's, which for
     * `bin/steward serve` in the checkout holds .steward/ and its API token, readable so by every local user.
     */
    @Test
    void aFileServerServesADirectoryItNamesOnLoopbackOnly() throws IOException {
        boolean found = false;
        for (ManifestFile file : examples()) {
            for (ProgramSpec program : file.programs()) {
                String command = String.join(" ", program.command());
                if (command.contains("http.server")) {
                    found = true;
                    assertTrue(command.contains("--directory "), program.name() + " serves the daemon's working directory: " + command);
                    assertTrue(command.contains("--bind 127.0.0.1"), program.name() + " serves every network: " + command);
                }
            }
        }
        assertTrue(found, "the examples no longer hold a file server: drop this test");
    }
}
