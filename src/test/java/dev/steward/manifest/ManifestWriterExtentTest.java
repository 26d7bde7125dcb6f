package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ManifestWriter.Action;
import dev.steward.manifest.ManifestWriter.Change;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a document ends and starts when its last value is an alias or a block scalar that keeps its blank lines, or
 * the file starts with a byte-order mark: apply, scale and delete edit the whole document, and nothing more.
 */
class ManifestWriterExtentTest {

    /** A program whose last line is an alias: its anchor is lines above, which is where the composed node says it is. */
    static final String ALIASED = """
            apiVersion: steward.dev/v1
            kind: Program
            metadata:
              name: web
            spec:
              command: [sleep, "100"]
              startRetries: &three 3
              replicas: *three
            """;

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("web.yaml");
    }

    Map<String, Path> sources() {
        return Map.of("web", file());
    }

    ProgramSpec inFile() {
        return new ManifestLoader().load(file()).programs().get(0);
    }

    @Test
    void aProgramEndingInAnAliasIsUnchangedWhenAppliedAgain() throws IOException {
        // The document was cut at the anchor's line: it read as 1 replica, and the apply was a 409 "would not read back"
        Files.writeString(file(), ALIASED);
        Change change = new ManifestWriter(dir).apply(ALIASED, sources(), Map.of("web", inFile()), false).changes().get(0);
        assertEquals(Action.UNCHANGED, change.action());
        assertEquals(3, change.before().orElseThrow().replicas());
        assertEquals(ALIASED, Files.readString(file()));
    }

    @Test
    void aNewProgramEndingInAnAliasIsWrittenWhole() throws IOException {
        assertEquals(Action.CREATED, new ManifestWriter(dir).apply(ALIASED, Map.of(), Map.of(), false).changes().get(0).action());
        assertEquals(ALIASED, Files.readString(file()));
    }

    @Test
    void scalingReplacesTheAliasNotItsAnchor() throws IOException {
        // It said "unchanged: already 1 replica" of a program running 3, and wrote nothing
        Files.writeString(file(), ALIASED);
        Change change = new ManifestWriter(dir).scale("web", 1, sources(), Map.of("web", inFile()), false);
        assertEquals(Action.CONFIGURED, change.action());
        assertEquals(3, change.before().orElseThrow().replicas());
        assertEquals(ALIASED.replace("replicas: *three", "replicas: 1"), Files.readString(file()));
        assertEquals(3, inFile().startRetries());
    }

    @Test
    void scalingAnAnchoredReplicasReplacesTheNumberAndKeepsTheAnchor() throws IOException {
        // The anchor went with the number (replicas: 1); an alias of it elsewhere made that "not valid YAML"
        String anchored = ALIASED.replace("  startRetries: &three 3\n  replicas: *three\n",
                "  replicas: &count # how many\n    3\n  startRetries: 2\n");
        Files.writeString(file(), anchored);
        assertEquals(Action.CONFIGURED, new ManifestWriter(dir).scale("web", 1, sources(), Map.of("web", inFile()), false).action());
        assertEquals(anchored.replace("    3\n", "    1\n"), Files.readString(file()));

        // The anchored number used elsewhere too: scaling would change that field as well, which is refused as such
        String shared = anchored.replace("startRetries: 2", "startRetries: *count");
        Files.writeString(file(), shared);
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> new ManifestWriter(dir).scale("web", 2, sources(), Map.of("web", inFile()), false));
        assertTrue(e.getMessage().contains("program web would not read back as intended"), e.getMessage());
        assertEquals(shared, Files.readString(file()));
    }

    @Test
    void deletingTheFirstOfTwoDocumentsTakesItsAliasLineWithIt() throws IOException {
        String db = ManifestWriterTest.WEB.replace("web", "db");
        Files.writeString(file(), ALIASED + "---\n" + db);
        new ManifestWriter(dir).delete("web", sources(), false);
        assertEquals("---\n" + db, Files.readString(file()));
    }

    @Test
    void aBlockScalarKeepingItsBlankLinesIsWrittenWithThem() throws IOException {
        String kept = ManifestWriterTest.WEB + "  environment:\n    MOTD: |+\n      hello\n\n\n";
        Change change = new ManifestWriter(dir).apply(kept, Map.of(), Map.of(), false).changes().get(0);
        assertEquals(Action.CREATED, change.action());
        assertEquals("hello\n\n\n", change.after().orElseThrow().environment().get("MOTD"));
        assertEquals(kept, Files.readString(file()));
        assertEquals(Action.UNCHANGED, new ManifestWriter(dir).apply(kept, sources(), Map.of("web", inFile()), false)
                .changes().get(0).action());
    }

    @Test
    void aByteOrderMarkKeepsTheSubmittedTextAndItsComments() throws IOException {
        // Notepad's UTF-8: the mark made the document seem to start mid-line, so it was rendered afresh, comments lost
        String commented = ManifestWriterTest.WEB.replace("name: web", "name: web   # the front end");
        new ManifestWriter(dir).apply("\uFEFF" + commented, Map.of(), Map.of(), false);
        assertEquals(commented, Files.readString(file()));

        String changed = commented.replace("\"100\"", "\"200\"");
        Files.writeString(file(), "\uFEFF" + commented);
        new ManifestWriter(dir).apply("\uFEFF" + changed, sources(), Map.of("web", inFile()), false);
        assertEquals("\uFEFF" + changed, Files.readString(file()));
        assertEquals(List.of("sleep", "200"), inFile().command());
    }
}
