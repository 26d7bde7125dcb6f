package dev.steward.supervise;

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
        assertEquals(List.of(file()), stateDirContents(), "no temporary file left behind");
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        assertTrue(reloaded.stoppedByHand("web-1"));
        assertTrue(reloaded.stoppedByHand("api"));
        assertFalse(reloaded.stoppedByHand("web-0"));
    }

    @Test
    void theFingerprintAStopWasMadeUnderIsKeptAndDecidesWhetherAChangeEndsIt() throws IOException {
        OperatorIntent intent = OperatorIntent.load(stateDir);
        intent.markStopped("web-1", "0123456789abcdef");
        intent.markStopped("api", "fedcba9876543210");
        Files.writeString(file(), Files.readString(file()) + "old\n"); // as a daemon before fingerprints wrote it

        assertEquals(List.of("api\tfedcba9876543210", "web-1\t0123456789abcdef", "old"), lines());
        OperatorIntent reloaded = OperatorIntent.load(stateDir);
        reloaded.clearIfChanged("web-1", "0123456789abcdef");
        reloaded.clearIfChanged("api", "1111111111111111");
        reloaded.clearIfChanged("old", "1111111111111111");

        assertTrue(reloaded.stoppedByHand("web-1"), "same manifest");
        assertFalse(reloaded.stoppedByHand("api"), "changed manifest");
        assertTrue(reloaded.stoppedByHand("old"), "unknown: kept, as before");
        assertEquals(List.of("old", "web-1\t0123456789abcdef"), lines());
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
