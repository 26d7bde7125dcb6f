package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
