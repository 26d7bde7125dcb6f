package dev.steward.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A stop asked for while the engine starts, before anything was read: nothing starts, and the log says so. */
class EngineStopRequestTest {
    @TempDir
    Path root;

    /** With no daemon before this one, there is no previous daemon's processes to speak of. */
    @Test
    void aStopBeforeAnythingStartedWithNothingLeftByAPreviousDaemonSaysOnlyThatNothingStarted() throws Exception {
        Files.createDirectories(root.resolve("manifests"));
        EngineSettings settings = new EngineSettings(root.resolve("manifests"), root.resolve("state"), Duration.ofMillis(30),
                Duration.ofSeconds(30));
        String lines = ConsoleCapture.printed(() -> assertThrows(Engine.StopRequestedException.class,
                () -> Engine.startEarly(settings, () -> true, () -> { })));

        assertEquals(1, lines.lines().count(), lines);
        assertFalse(lines.contains("previous daemon"), lines);
        assertEquals(" INFO  asked to stop while starting: nothing was started", lines.strip().substring(12));
    }
}
