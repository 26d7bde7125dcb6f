package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processes stopped by hand, kept in {@code <state-dir>/stopped-by-hand}. */
class OperatorIntentTest {
    @TempDir
    Path stateDir;

    private Path file() {
        return stateDir.resolve("stopped-by-hand");
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(file(), StandardCharsets.UTF_8);
    }

    private List<Path> stateDirContents() throws IOException {
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.toList();
        }
    }

    @Test
    void missingFileMeansNothingStoppedAndLoadingWritesNothing() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);

        assertFalse(intent.stoppedByHand("web"));
        assertEquals(List.of(), stateDirContents(), "loading does not create the file");
    }

    @Test
    void markStoppedPersistsAndReloads() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);

        intent.markStopped("web-1");
        intent.markStopped("api");

        assertTrue(intent.stoppedByHand("web-1"));
        assertEquals(List.of("api", "web-1"), lines(), "one name per line, sorted");
        assertEquals(List.of(file(), stateDir.resolve("stopped-by-hand.manifests")), stateDirContents().stream().sorted().toList(),
                "no temporary file left behind");
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        assertTrue(reloaded.stoppedByHand("web-1"));
        assertTrue(reloaded.stoppedByHand("api"));
        assertFalse(reloaded.stoppedByHand("web-0"));
    }

    @Test
    void theManifestAStopWasMadeUnderIsKeptBesideTheNamesAndDecidesWhetherAChangeEndsIt() throws IOException {
        ProgramSpec web = Specs.program("web").replicas(2).build();
        ProgramSpec api = Specs.program("api").build();
        OperatorIntent intent = OperatorIntent.load(stateDir);
        intent.markStopped("web-1", web);
        intent.markStopped("api", api);
        intent.markStopped("old"); // as a daemon before fingerprints: a name alone

        assertEquals(List.of("api", "old", "web-1"), lines(), "names alone: what an earlier daemon reads");
        assertEquals(List.of("api\tapi\t" + api.fingerprint(), "web-1\tweb\t" + web.fingerprint()),
                Files.readAllLines(stateDir.resolve("stopped-by-hand.manifests")));
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        reloaded.clearChanged(web);
        reloaded.clearChanged(Specs.from(api).priority(7).build());
        reloaded.clearChanged(Specs.program("old").priority(7).build());

        assertTrue(reloaded.stoppedByHand("web-1"), "same manifest");
        assertFalse(reloaded.stoppedByHand("api"), "changed manifest");
        assertTrue(reloaded.stoppedByHand("old"), "unknown: kept, as before");
        assertEquals(List.of("old", "web-1"), lines());
    }

    @Test
    void aStopUnderAnotherProgramShapeIsEndedWhateverItsNameNow() {
        // web stopped with one replica ("web"); the manifest now has two (web-0, web-1): "web" must not linger,
        // or a later scale back to one would find web stopped by hand.
        ProgramSpec one = Specs.program("web").build();
        OperatorIntent intent = OperatorIntent.inMemory();
        intent.markStopped("web", one);

        intent.clearChanged(Specs.from(one).replicas(2).build());

        assertFalse(intent.stoppedByHand("web"));
        assertTrue(intent.isEmpty());
    }

    @Test
    void aMarkFromAnotherFingerprintVersionIsKept() throws IOException {
        Files.writeString(file(), "web\n");
        Files.writeString(stateDir.resolve("stopped-by-hand.manifests"), "web\tweb\t0:0123456789abcdef\n");
        OperatorIntent intent = OperatorIntent.load(stateDir);

        intent.clearChanged(Specs.program("web").build());

        assertTrue(intent.stoppedByHand("web"), "not comparable: kept rather than taken for a change");
    }

    @Test
    void markingTwiceKeepsOneLine() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);

        intent.markStopped("web");
        intent.markStopped("web");

        assertEquals(List.of("web"), lines());
    }

    @Test
    void clearPersistsAndReloads() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);
        intent.markStopped("web");
        intent.markStopped("api");

        intent.clear("web");

        assertFalse(intent.stoppedByHand("web"));
        assertEquals(List.of("api"), lines());
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        assertFalse(reloaded.stoppedByHand("web"));
        assertTrue(reloaded.stoppedByHand("api"));

        reloaded.clear("api");
        assertEquals(List.of(), lines());
        assertFalse(OperatorIntent.load(stateDir).stoppedByHand("api"));
    }

    @Test
    void clearOfUnknownNameWritesNothing() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);

        intent.clear("web");

        assertEquals(List.of(), stateDirContents());
    }

    @Test
    void loadIgnoresBlankLinesAndSurroundingSpaces() throws IOException {
        Files.writeString(file(), "web\n\n  api  \n\n", StandardCharsets.UTF_8);

        OperatorIntent intent = OperatorIntent.load(stateDir);

        assertTrue(intent.stoppedByHand("web"));
        assertTrue(intent.stoppedByHand("api"));
        assertFalse(intent.stoppedByHand(""));
    }

    @Test
    void inMemoryNeverWrites() throws IOException {
        Path workingDir = Path.of("").toAbsolutePath();
        boolean existedBefore = Files.exists(workingDir.resolve("stopped-by-hand"));
        OperatorIntent intent = OperatorIntent.inMemory();

        intent.markStopped("web");
        assertTrue(intent.stoppedByHand("web"));
        intent.markStopped("api");
        intent.clear("api");
        assertFalse(intent.stoppedByHand("api"));

        assertEquals(existedBefore, Files.exists(workingDir.resolve("stopped-by-hand")));
        assertFalse(Files.exists(workingDir.resolve(".stopped-by-hand.tmp")));
        assertEquals(List.of(), stateDirContents());
        assertFalse(OperatorIntent.load(stateDir).stoppedByHand("web"));
    }

    /**
     * A full disk or a read-only state directory: the stop is carried out and holds in memory, the failure is said once
     * (not thrown into the action, which was done), no half-written temporary file is left, and the next change saves
     * everything once the file can be written again.
     */
    @Test
    void aSaveThatFailsIsSaidOnceAndLeavesNoTemporaryFileAndTheNextChangeSavesEverything() throws IOException {
        List<String> warnings = new ArrayList<>();
        List<String> notices = new ArrayList<>();
        OperatorIntent intent = OperatorIntent.load(stateDir, warnings::add, notices::add);
        Path blocker = Files.createDirectories(stateDir.resolve("stopped-by-hand.manifests"));
        Files.writeString(blocker.resolve("keep"), "a directory where the file goes: the rename onto it fails");
        ProgramSpec web = Specs.program("web").replicas(2).build();

        intent.markStopped("web-0", web); // throws nothing: the stop it records has been carried out
        intent.batch(() -> intent.markStopped("web-1", web));

        assertTrue(intent.stoppedByHand("web-0") && intent.stoppedByHand("web-1"), "held in memory");
        assertEquals(1, warnings.size(), "said once, not at every change: " + warnings);
        assertTrue(warnings.get(0).startsWith("cannot save " + file() + " (FileSystemException: "), warnings.get(0));
        assertTrue(warnings.get(0).contains("free the disk or fix the state directory's permissions"), warnings.get(0));
        assertFalse(Files.exists(stateDir.resolve(".stopped-by-hand.manifests.tmp")), "the temporary file is removed");
        assertFalse(Files.exists(file()), "nothing half saved");
        assertEquals(List.of(), notices);

        Files.delete(blocker.resolve("keep"));
        Files.delete(blocker);
        intent.batch(() -> { }); // an action or a reconcile pass that changes nothing: the marks still wait to be saved

        assertEquals(List.of("web-0", "web-1"), lines());
        assertEquals(List.of("saved " + file() + " again: the processes stopped by hand are recorded"), notices);
        assertEquals(1, warnings.size());
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        assertTrue(reloaded.stoppedByHand("web-0") && reloaded.stoppedByHand("web-1"));
        reloaded.clearChanged(web);
        assertTrue(reloaded.stoppedByHand("web-1"), "saved with the manifest it was stopped under");
    }
}
