package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ManifestWriter.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's save landing while an apply, delete or scale is being made (after the writer read the file, before it
 * put its own version in place) is kept, and the edit is made again on top of it, as the Kubernetes API server retries
 * a patch on a conflict; a file rewritten without pause is a conflict that writes nothing.
 */
class ManifestWriterHandEditTest {

    static final String WEB = ManifestWriterTest.WEB;
    static final String API = ManifestWriterTest.API;

    @TempDir
    Path dir;

    /** Saves {@code text} as an editor does: a new file renamed over the old one. */
    void save(String name, String text) {
        try {
            Path swap = dir.resolve("." + name + ".swp");
            Files.writeString(swap, text);
            Files.move(swap, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    /** A writer whose first edit meets {@code handEdit}, saved while it is being made. */
    ManifestWriter racedOnce(Runnable handEdit) {
        AtomicInteger writes = new AtomicInteger();
        return new ManifestWriter(dir, () -> {
            if (writes.getAndIncrement() == 0) {
                handEdit.run();
            }
        });
    }

    @Test
    void aSaveDuringAScaleIsKeptAndTheScaleMadeOnIt() throws IOException {
        save("pair.yaml", WEB + "---\n" + API);
        String edited = WEB + "---\n" + API.replace("9000", "9001");
        ManifestWriter writer = racedOnce(() -> save("pair.yaml", edited));

        writer.scale("web", 3, Map.of("web", dir.resolve("pair.yaml")), Map.of(), false);

        assertEquals(edited.replace("spec:\n  command: [sleep", "spec:\n  replicas: 3\n  command: [sleep"), read("pair.yaml"));
    }

    @Test
    void aSaveDuringAnApplyIsKeptAndTheApplyMadeOnIt() throws IOException {
        save("pair.yaml", WEB + "---\n" + API);
        String edited = "# owned by the web team\n" + WEB + "---\n" + API;
        ManifestWriter writer = racedOnce(() -> save("pair.yaml", edited));

        var outcome = writer.apply(API.replace("9000", "9002"), Map.of(), Map.of(), false);

        assertEquals(Action.CONFIGURED, outcome.changes().get(0).action());
        assertEquals(edited.replace("9000", "9002"), read("pair.yaml"));
    }

    @Test
    void aFileMadeByHandDuringAnApplyOfANewProgramIsKept() throws IOException {
        ManifestWriter writer = racedOnce(() -> save("web.yaml", API));

        writer.apply(WEB, Map.of(), Map.of(), false);

        assertEquals(API + "---\n" + WEB, read("web.yaml"));
    }

    @Test
    void aProgramAddedByHandToAFileWhileItsOnlyProgramIsDeletedIsKept() throws IOException {
        save("web.yaml", WEB);
        ManifestWriter writer = racedOnce(() -> save("web.yaml", WEB + "---\n" + API));

        writer.delete("web", Map.of("web", dir.resolve("web.yaml")), false);

        assertEquals("---\n" + API, read("web.yaml"));
    }

    @Test
    void aFileRewrittenAtEveryAttemptIsAConflictAndKeepsWhatWasSavedLast() throws IOException {
        save("web.yaml", WEB);
        AtomicInteger saves = new AtomicInteger();
        ManifestWriter writer = new ManifestWriter(dir, () -> save("web.yaml", WEB + "# save " + saves.incrementAndGet() + "\n"));

        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> writer.scale("web", 2, Map.of("web", dir.resolve("web.yaml")), Map.of(), false));

        assertTrue(e.getMessage().startsWith(dir.resolve("web.yaml") + " was changed by someone else while this edit was"
                + " being made, 3 times in a row"), e.getMessage());
        assertEquals(WEB + "# save 3\n", read("web.yaml"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("web.yaml"), files.map(f -> f.getFileName().toString()).toList(), "no temporary file left");
        }
    }
}
