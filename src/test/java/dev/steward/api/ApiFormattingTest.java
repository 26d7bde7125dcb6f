package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.control.ProcessInfo;
import dev.steward.control.ProgramView;
import dev.steward.manifest.ManifestError;
import dev.steward.supervise.Specs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Supervisor's status column and the cutting of log tails, without a server. */
class ApiFormattingTest {

    static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    static final ZoneId UTC = ZoneId.of("UTC");

    static ProcessInfo process(String state, int pid, Instant started, Instant stopped, String spawnError) {
        return stopping(state, pid, started, stopped, spawnError, ProcessInfo.Removal.NONE, false);
    }

    private static ProcessInfo stopping(String state, int pid, Instant started, Instant stopped, String spawnError,
                                        ProcessInfo.Removal removal, boolean startsAgain) {
        return waiting(state, started, stopped, spawnError, null, removal, startsAgain, pid);
    }

    /** A process whose automatic restart, or retry, is due at {@code restartAt} (null: none waits). */
    private static ProcessInfo waiting(String state, Instant started, Instant stopped, String spawnError, Instant restartAt) {
        return waiting(state, started, stopped, spawnError, restartAt, ProcessInfo.Removal.NONE, false, 0);
    }

    private static ProcessInfo waiting(String state, Instant started, Instant stopped, String spawnError, Instant restartAt,
                                       ProcessInfo.Removal removal, boolean startsAgain, int pid) {
        return new ProcessInfo("web-0", "web", 0, state, 0, pid, Optional.ofNullable(started),
                Optional.ofNullable(stopped), Optional.ofNullable(restartAt), 0, Optional.empty(), Optional.ofNullable(spawnError), false,
                removal, startsAgain, false, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
    }

    @Test
    void uptimeReadsLikePythonsTimedelta() {
        assertEquals("0:00:00", ProcessDescriptions.uptime(Duration.ZERO));
        assertEquals("0:01:02", ProcessDescriptions.uptime(Duration.ofSeconds(62)));
        assertEquals("23:59:59", ProcessDescriptions.uptime(Duration.ofSeconds(86_399)));
        assertEquals("1 day, 2:03:04", ProcessDescriptions.uptime(Duration.ofSeconds(86_400 + 7384)));
        assertEquals("3 days, 0:00:09", ProcessDescriptions.uptime(Duration.ofDays(3).plusSeconds(9)));
        assertEquals("0:00:00", ProcessDescriptions.uptime(Duration.ofSeconds(-5)), "clock steps back: no negative");
    }

    @Test
    void describesEachStateAsSupervisorDoes() {
        assertEquals("pid 1234, uptime 0:01:02", ProcessDescriptions.describe(
                process("RUNNING", 1234, NOW.minusSeconds(62), null, null), NOW, UTC));
        assertEquals("Not started", ProcessDescriptions.describe(process("STOPPED", 0, null, null, null), NOW, UTC));
        assertEquals("Nov 22 03:30 AM", ProcessDescriptions.describe(
                process("EXITED", 0, NOW.minusSeconds(3600), NOW.minusSeconds(1800), null), NOW, UTC));
        assertEquals("Nov 21 04:00 PM", ProcessDescriptions.describe(
                process("STOPPED", 0, NOW.minusSeconds(86_400), NOW.minusSeconds(43_200), null), NOW, UTC));
        assertEquals("can't find command '/nope'", ProcessDescriptions.describe(
                process("FATAL", 0, null, null, "can't find command '/nope'"), NOW, UTC));
        assertEquals("Exited too quickly (process log may have details)", ProcessDescriptions.describe(
                process("BACKOFF", 0, null, null, null), NOW, UTC));
        assertEquals("", ProcessDescriptions.describe(process("STARTING", 99, NOW, null, null), NOW, UTC));
        assertEquals("", ProcessDescriptions.describe(process("STOPPING", 99, NOW, null, null), NOW, UTC));
        assertEquals("its process has exited; waiting for the rest of its process group",
                ProcessDescriptions.describe(process("STOPPING", 0, NOW, null, null), NOW, UTC), "stopAsGroup: a grandchild left");
    }

    @Test
    void aStoppingProcessSaysWhatFollowsWhereSupervisorSaysNothing() {
        assertEquals("it starts again once stopped", ProcessDescriptions.describe(
                stopping("STOPPING", 99, NOW, null, null, ProcessInfo.Removal.NONE, true), NOW, UTC));
        assertEquals("scaled down; it goes once stopped", ProcessDescriptions.describe(
                stopping("STOPPING", 99, NOW, null, null, ProcessInfo.Removal.SCALED_DOWN, false), NOW, UTC));
        assertEquals("its program was removed; it goes once stopped", ProcessDescriptions.describe(
                stopping("STOPPING", 99, NOW, null, null, ProcessInfo.Removal.REMOVED, false), NOW, UTC));
        assertEquals("Not started", ProcessDescriptions.describe(
                stopping("STOPPED", 0, null, null, null, ProcessInfo.Removal.NONE, true), NOW, UTC),
                "only while it stops");
    }

    @Test
    void aRestartOrRetryWaitingOnItsTimerSaysWhenAfterSupervisorsWords() {
        Instant stopped = NOW.minusSeconds(1800);
        assertEquals("Nov 22 03:30 AM; restarts in 40 s", ProcessDescriptions.describe(
                waiting("EXITED", NOW.minusSeconds(3600), stopped, null, NOW.plusSeconds(40)), NOW, UTC),
                "a crash loop backing off: not an exit that stays");
        assertEquals("Nov 22 03:30 AM; restarts in 1 s", ProcessDescriptions.describe(
                waiting("EXITED", NOW.minusSeconds(3600), stopped, null, NOW.plusMillis(250)), NOW, UTC), "rounded up");
        assertEquals("Nov 22 03:30 AM; restarts in 0 s", ProcessDescriptions.describe(
                waiting("EXITED", NOW.minusSeconds(3600), stopped, null, NOW.minusMillis(5)), NOW, UTC), "due, not yet run");
        assertEquals("Exited too quickly (process log may have details); retries in 2 s", ProcessDescriptions.describe(
                waiting("BACKOFF", NOW, null, null, NOW.plusSeconds(2)), NOW, UTC));
        assertEquals("can't find command '/nope'; retries in 1 s", ProcessDescriptions.describe(
                waiting("BACKOFF", NOW, null, "can't find command '/nope'", NOW.plusSeconds(1)), NOW, UTC));
        assertEquals(NOW.plusSeconds(40), ProcessDto.of(waiting("EXITED", NOW.minusSeconds(3600), stopped, null,
                NOW.plusSeconds(40)), NOW, UTC).restartAt());
    }

    @Test
    void processJsonLeavesAbsentValuesNull() {
        ProcessDto dto = ProcessDto.of(process("STOPPED", 0, null, null, null), NOW, UTC);
        assertEquals(null, dto.pid());
        assertEquals(null, dto.uptimeSeconds());
        assertEquals(null, dto.lastExit());
        assertEquals(null, dto.restartAt());
        ProcessDto running = ProcessDto.of(process("RUNNING", 7, NOW.minusSeconds(62), null, null), NOW, UTC);
        assertEquals(7, running.pid());
        assertEquals(62L, running.uptimeSeconds());
    }

    @Test
    void tailCutsLinesAndBytes() {
        byte[] text = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("two\nthree\n", string(LogText.lastLines(text, 2)));
        assertEquals("one\ntwo\nthree\n", string(LogText.lastLines(text, 5)));
        assertEquals("one\ntwo\nthree\n", string(LogText.lastLines(text, -1)));
        assertEquals("", string(LogText.lastLines(text, 0)));
        assertEquals("three\npartial", string(LogText.lastLines("two\nthree\npartial".getBytes(), 2)));
        assertEquals("\n\n", string(LogText.lastLines("a\n\n\n".getBytes(), 2)));
        assertEquals("ee\n", string(LogText.lastBytes(text, 3)));
        assertEquals("one\ntwo\nthree\n", string(LogText.lastBytes(text, 100)));
    }

    @Test
    void theEndOfALogHoldsAllThatWasAskedOnlyWithThoseBytesOrThoseWholeLines() {
        byte[] text = "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8);
        assertTrue(LogText.holdsAll(text, 14, -1));
        assertFalse(LogText.holdsAll(text, 15, -1), "a byte more may be before it");
        assertTrue(LogText.holdsAll(text, -1, 2));
        assertFalse(LogText.holdsAll(text, -1, 3), "its first line may have begun before it");
        assertTrue(LogText.holdsAll(text, 100, 2), "the last 2 lines lie within the last 100 bytes");
        assertTrue(LogText.holdsAll(text, -1, 0));
        assertFalse(LogText.holdsAll(text, -1, -1), "the whole stream: it cannot tell");
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aProgramsManifestErrorIsTheFirstOfItsFileThatIsNotAboutAnotherProgram() {
        Path file = Path.of("/m/z.yaml");
        ProgramView u = new ProgramView(Specs.defaults("u"), file, List.of(), false);
        List<ManifestError> errors = List.of(
                new ManifestError(Path.of("/m/other.yaml"), 2, 1, "spec", "unknown field"),
                new ManifestError(file, 4, 9, "", "program \"t\" keeps running as it was: ..."),
                new ManifestError(file, 14, 13, "spec.replicas", "must be 0 or more"));
        assertEquals("/m/z.yaml:14:13: spec.replicas: must be 0 or more",
                ProgramDto.of(u, errors, Instant.EPOCH, ZoneOffset.UTC).manifestError());
        assertEquals("/m/z.yaml:4:9: program \"t\" keeps running as it was: ...",
                ProgramDto.of(new ProgramView(Specs.defaults("t"), file, List.of(), false), errors, Instant.EPOCH,
                        ZoneOffset.UTC).manifestError(), "its own note is its own");
        assertEquals(null, ProgramDto.of(u, List.of(errors.get(0)), Instant.EPOCH, ZoneOffset.UTC).manifestError());
    }
}
