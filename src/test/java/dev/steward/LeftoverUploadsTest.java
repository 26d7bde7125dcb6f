package dev.steward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    @Test
    void closesTheDirectoryToOtherUsersWhoCouldReplaceASpooledManifest() throws IOException {
        // The HTTP layer made it with the umask's mode: rwxrwxrwx under umask 000
        Path uploads = Files.createDirectories(dir.resolve("uploads"));
        Files.setPosixFilePermissions(uploads, PosixFilePermissions.fromString("rwxrwxrwx"));
        new LeftoverUploads(uploads).remove(null);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uploads)));
        Path missing = dir.resolve("missing");
        new LeftoverUploads(missing).remove(null);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(missing)), "made so when missing");
    }
}
