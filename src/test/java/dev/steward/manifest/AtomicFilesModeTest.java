package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mode a manifest's new text is written under, before the file it replaces lends it its own. */
class AtomicFilesModeTest {
    @TempDir
    Path dir;

    @Test
    void aReplacementIsWrittenReadableByItsOwnerAloneUntilItTakesTheReplacedFilesMode() throws Exception {
        Path secret = dir.resolve("db.yaml");
        Files.writeString(secret, "kind: Program\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        PosixFileAttributes was = Files.readAttributes(secret, PosixFileAttributes.class);

        assertEquals(PosixFilePermissions.fromString("rw-------"), AtomicFiles.creationMode(was));
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), AtomicFiles.creationMode(null), "a new manifest");

        AtomicFiles.write(secret, "kind: Program\nmetadata: {name: db}\n");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(secret), "its own mode after");
    }
}
