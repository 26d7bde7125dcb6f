package dev.steward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverUploadsTest {

    @TempDir
    Path dir;

    @Test
    void removesWhatAKilledDaemonLeftAndToleratesNoDirectory() throws IOException {
        Path uploads = Files.createDirectories(dir.resolve("uploads"));
        Files.writeString(uploads.resolve("resteasy-reactive123upload"), "apiVersion: steward.dev/v1\n");
        new LeftoverUploads(uploads).remove(null);
        try (Stream<Path> left = Files.list(uploads)) {
            assertEquals(List.of(), left.toList());
        }
        new LeftoverUploads(dir.resolve("none")).remove(null); // a first start: nothing to do, no error
    }
}
