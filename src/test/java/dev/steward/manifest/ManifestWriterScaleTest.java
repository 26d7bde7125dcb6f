package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ManifestWriter.Action;
import dev.steward.manifest.ManifestWriter.Change;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scale edits {@code spec.replicas} in place and nothing else. */
class ManifestWriterScaleTest {

    @TempDir
    Path dir;

    Change scale(String text, int replicas) throws IOException {
        Files.writeString(dir.resolve("web.yaml"), text);
        return new ManifestWriter(dir).scale("web", replicas, Map.of(), Map.of(), false);
    }

    String read() throws IOException {
        return Files.readString(dir.resolve("web.yaml"));
    }

    @Test
    void replacesTheNumberWhereItIsWritten() throws IOException {
        String text = ManifestWriterTest.WEB.replace("spec:\n", "spec:\n  replicas: 2   # two is enough\n");
        Change change = scale(text, 5);
        assertEquals(Action.CONFIGURED, change.action());
        assertEquals(2, change.before().orElseThrow().replicas());
        assertEquals(5, change.after().orElseThrow().replicas());
        assertEquals(text.replace("replicas: 2 ", "replicas: 5 "), read());
    }

    @Test
    void insertsReplicasAsTheFirstFieldOfSpecWithItsIndentation() throws IOException {
        String text = ManifestWriterTest.WEB.replace("  command", "    # the command\n    command");
        Change change = scale(text, 3);
        assertEquals(3, change.after().orElseThrow().replicas());
        assertEquals(text.replace("    command", "    replicas: 3\n    command"), read());
    }

    @Test
    void anInvalidDocumentIsNamedWithItsErrorAndWhatToDo() throws IOException {
        String text = ManifestWriterTest.WEB.replace("spec:\n", "spec:\n  stopSignal: NOPE\n");
        ManifestConflictException e = assertThrows(ManifestConflictException.class, () -> scale(text, 3));
        assertTrue(e.getMessage().contains("program web cannot be scaled in it: ") && e.getMessage().contains("web.yaml:6:15: spec.stopSignal: ")
                && e.getMessage().endsWith("nothing was written. Fix that file by hand first, then try again"), e.getMessage());
        assertEquals(text, read());
    }

    @Test
    void anInvalidDocumentIsNamedAtItsLineInTheFileBelowHeaderAndEarlierDocuments() throws IOException {
        String web = ManifestWriterTest.WEB.replace("spec:\n", "spec:\n  stopSignal: NOPE\n");
        String text = "# two programs\n# of the front end\n" + ManifestWriterTest.API + "---\n" + web;
        int line = (int) ("# two programs\n# of the front end\n" + ManifestWriterTest.API + "---\n").lines().count() + 6;
        ManifestConflictException e = assertThrows(ManifestConflictException.class, () -> scale(text, 3));
        assertTrue(e.getMessage().contains("web.yaml:" + line + ":15: spec.stopSignal: "), e.getMessage());
        assertEquals(text, read());
    }

    @Test
    void anInvalidDocumentOfAnotherProgramIsNamedAtItsLineInTheFileAsItIs() throws IOException {
        // scale inserts replicas into web's document, above the invalid one: the daemon names the line it is on now
        String api = ManifestWriterTest.API.replace("spec:\n", "spec:\n  stopSignal: NOPE\n");
        String text = "# two programs\n" + ManifestWriterTest.WEB + "---\n" + api;
        int line = (int) ("# two programs\n" + ManifestWriterTest.WEB + "---\n").lines().count() + 8;
        assertEquals("  stopSignal: NOPE", text.lines().toList().get(line - 1));
        ManifestConflictException e = assertThrows(ManifestConflictException.class, () -> scale(text, 3));
        assertTrue(e.getMessage().contains("web.yaml:" + line + ":15: spec.stopSignal: "), e.getMessage());
        assertEquals(text, read());
    }

    @Test
    void editsTheRightDocumentOfSeveral() throws IOException {
        String text = ManifestWriterTest.API + "---\n" + ManifestWriterTest.WEB + "---\n"
                + ManifestWriterTest.WEB.replace("web", "db");
        scale(text, 0);
        String expected = ManifestWriterTest.API + "---\n"
                + ManifestWriterTest.WEB.replace("spec:\n", "spec:\n  replicas: 0\n") + "---\n"
                + ManifestWriterTest.WEB.replace("web", "db");
        assertEquals(expected, read());
    }

    @Test
    void aNumberInFlowStyleIsReplacedToo() throws IOException {
        String text = "{apiVersion: steward.dev/v1, kind: Program, metadata: {name: web},\n"
                + " spec: {command: [sleep, '9'], replicas: 1}}\n";
        scale(text, 4);
        assertEquals(text.replace("replicas: 1", "replicas: 4"), read());
    }

    @Test
    void addingToAFlowStyleSpecIsAConflict() throws IOException {
        String text = "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: web}\nspec: {command: [sleep, '9']}\n";
        ManifestConflictException e = assertThrows(ManifestConflictException.class, () -> scale(text, 2));
        assertTrue(e.getMessage().contains("flow style"), e.getMessage());
        assertEquals(text, read());
    }

    @Test
    void sameCountIsUnchanged() throws IOException {
        Change change = scale(ManifestWriterTest.WEB, 1);
        assertEquals(Action.UNCHANGED, change.action());
        assertEquals(ManifestWriterTest.WEB, read());
    }

    @Test
    void anInvalidDocumentIsAConflict() throws IOException {
        String text = ManifestWriterTest.WEB.replace("spec:\n", "spec:\n  replicas: many\n");
        assertThrows(ManifestConflictException.class, () -> scale(text, 2));
        assertEquals(text, read());
    }

    @Test
    void unknownProgramIsNotFound() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), ManifestWriterTest.WEB);
        assertThrows(NoSuchElementException.class, () -> new ManifestWriter(dir).scale("db", 2, Map.of(), Map.of(), false));
    }

    @Test
    void dryRunWritesNothing() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), ManifestWriterTest.WEB);
        Change change = new ManifestWriter(dir).scale("web", 2, Map.of(), Map.of(), true);
        assertEquals(2, change.after().orElseThrow().replicas());
        assertEquals(ManifestWriterTest.WEB, read());
    }

    @Test
    void negativeCountIsRefused() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), ManifestWriterTest.WEB);
        assertThrows(IllegalArgumentException.class, () -> new ManifestWriter(dir).scale("web", -1, Map.of(), Map.of(), false));
    }

    @Test
    void refusesANewProcessNamedLikeAnotherProgramsProcess() throws IOException {
        String web = ManifestWriterTest.WEB;
        String web2 = ManifestWriterTest.named("web-2", "");
        Files.writeString(dir.resolve("web.yaml"), web);
        Files.writeString(dir.resolve("web-2.yaml"), web2);
        Map<String, Path> sources = Map.of("web", dir.resolve("web.yaml"), "web-2", dir.resolve("web-2.yaml"));
        Map<String, ProgramSpec> inForce = Map.of("web", ManifestWriterTest.spec(web), "web-2", ManifestWriterTest.spec(web2));
        ManifestConflictException e = assertThrows(ManifestConflictException.class,
                () -> new ManifestWriter(dir).scale("web", 3, sources, inForce, false));
        assertEquals("cannot scale web to 3: program \"web\" would run a process named \"web-2\", and so does program"
                + " \"web-2\" in web-2.yaml; nothing was written: choose another number of replicas, or rename one of the programs first",
                e.getMessage());
        assertEquals(web, read());
        assertEquals(Action.CONFIGURED, new ManifestWriter(dir).scale("web", 2, sources, inForce, false).action());

        // A file that already says 3, rejected by the daemon for this clash, is no "unchanged" either.
        Files.writeString(dir.resolve("web.yaml"), web.replace("spec:\n", "spec:\n  replicas: 3\n"));
        assertThrows(ManifestConflictException.class, () -> new ManifestWriter(dir).scale("web", 3, sources, inForce, false));
    }
}
