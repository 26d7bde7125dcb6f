package dev.steward.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFilesLinkTest {
    @Test
    void aLinkToAFileNotThereYetIsWrittenThroughCreatingIt(@TempDir Path root) throws IOException {
        // apply of a new program whose file name is a link into a checkout that lost the file: before write-through,
        // the file replaced the link; then it failed with "cannot write web.yaml: web.yaml"
        Path dir = Files.createDirectories(root.resolve("manifests"));
        Path checkout = Files.createDirectories(root.resolve("checkout"));
        Path link = Files.createSymbolicLink(dir.resolve("web.yaml"), checkout.resolve("web.yaml"));
        AtomicFiles.write(link, "text\n");
        assertTrue(Files.isSymbolicLink(link), "still a link");
        assertEquals("text\n", Files.readString(checkout.resolve("web.yaml")));

        Path relative = Files.createSymbolicLink(dir.resolve("db.yaml"), Path.of("../checkout/db.yaml"));
        AtomicFiles.write(relative, "db\n");
        assertEquals("db\n", Files.readString(checkout.resolve("db.yaml")));

        Path nowhere = Files.createSymbolicLink(dir.resolve("gone.yaml"), root.resolve("removed/gone.yaml"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(nowhere, "x\n"));
        assertTrue(e.getReason().contains("whose directory does not exist"), e.getMessage());
    }
}
