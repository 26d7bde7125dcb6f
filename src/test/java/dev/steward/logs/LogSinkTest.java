package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSinkTest {

    @TempDir
    Path dir;

    /** Each sink's first run, for tests about the sink and not about runs. */
    private final java.util.Map<LogSink, LogSink.Run> firstRuns = new java.util.IdentityHashMap<>();

    private void write(LogSink sink, String s) {
        firstRuns.computeIfAbsent(sink, LogSink::beginRun).write(ByteBuffer.wrap(s.getBytes(US_ASCII)));
    }

    private static void write(LogSink.Run run, String s) {
        run.write(ByteBuffer.wrap(s.getBytes(US_ASCII)));
    }

    private static String previous(LogSink sink) {
        return str(sink.previousRun().orElseThrow().bytes());
    }

    private static String str(byte[] b) {
        return new String(b, US_ASCII);
    }

    @Test
    void writesFileAndRing() throws IOException {
        Path file = dir.resolve("p/out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            write(sink, "hello ");
            write(sink, "world");
            assertEquals("hello world", Files.readString(file, US_ASCII));
            assertEquals("world", str(sink.tail(5)));
            assertEquals(11, sink.ring().total());
            assertEquals(Optional.of(file), sink.file());
            assertEquals(Optional.empty(), sink.lastError());
        }
    }

    @Test
    void aRunsUnfinishedLastLineIsEndedWithItsPipeSoTheNextRunStartsOnALineOfItsOwn() throws IOException {
        Path file = dir.resolve("out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            LogSink.Run first = sink.beginRun();
            write(first, "first run, no newline");
            first.ended();
            LogSink.Run second = sink.beginRun();
            write(second, "second run\n");
            second.ended();
            write(sink.beginRun(), "third run");
            assertEquals("first run, no newline\nsecond run\nthird run", Files.readString(file, US_ASCII));
            assertEquals("first run, no newline\nsecond run\nthird run", str(sink.tail(100)), "logs shows it alike");
            assertEquals("second run\n", previous(sink), "a run that ended its line gets no second break");
        }
    }

    @Test
    void anEndedRunsLineBreakDoesNotLandInsideANewerRunsOutput() throws IOException {
        // A restart while the old run's pipe is still open (a grandchild holds it): the new run writes first.
        Path file = dir.resolve("out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            LogSink.Run old = sink.beginRun();
            write(old, "old half ");
            LogSink.Run next = sink.beginRun();
            write(next, "new half ");
            old.ended();
            write(next, "and its end\n");
            assertEquals("old half new half and its end\n", Files.readString(file, US_ASCII));
        }
    }

    @Test
    void theFileAndItsDirectoriesAppearOnlyWithTheFirstOutput() throws IOException {
        Path file = dir.resolve("logs/p/out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            assertFalse(Files.exists(dir.resolve("logs")), "opening a sink touches no file");
            assertEquals(Optional.empty(), sink.lastError());
            sink.setLimits(10, 2);
            assertFalse(Files.exists(dir.resolve("logs")));

            write(sink, "first");
            assertEquals("first", Files.readString(file, US_ASCII));
        }
    }

    @Test
    void aSinkClosedBeforeAnyOutputNeverCreatesItsFile() throws IOException {
        Path file = dir.resolve("logs/out.log");
        LogSink sink = LogSink.open(Optional.of(file), 0, 0);
        sink.close();
        write(sink, "late");
        assertFalse(Files.exists(dir.resolve("logs")));
        assertEquals("late", str(sink.tail(100)));
        assertEquals(Optional.empty(), sink.lastError());
    }

    @Test
    void aFileFromAnEarlierRunIsLeftAloneUntilOutputThenAppendedAndRotated() throws IOException {
        Path file = dir.resolve("out.log");
        Files.writeString(file, "old", US_ASCII);
        try (LogSink sink = LogSink.open(Optional.of(file), 5, 1)) {
            assertEquals("old", Files.readString(file, US_ASCII));
            assertFalse(Files.exists(dir.resolve("out.log.1")));
            write(sink, "new");
            assertEquals("oldne", Files.readString(dir.resolve("out.log.1"), US_ASCII), "the earlier run's bytes count");
            assertEquals("w", Files.readString(file, US_ASCII));
        }
    }

    @Test
    void aDirectBufferChunkReachesRingAndFileAlike() throws IOException {
        // The pipe reader hands over a slice of its direct read buffer, which it reuses afterwards.
        Path file = dir.resolve("out.log");
        ByteBuffer chunk = ByteBuffer.allocateDirect(16);
        chunk.put("--abcdefgh".getBytes(US_ASCII)).flip().position(2);
        try (LogSink sink = LogSink.open(Optional.of(file), 5, 1, 4)) {
            sink.beginRun().write(chunk);
            assertEquals("efgh", str(sink.tail(100)));
            assertEquals("abcde", Files.readString(dir.resolve("out.log.1"), US_ASCII));
            assertEquals("fgh", Files.readString(file, US_ASCII));
        }
    }

    @Test
    void aCloseRacingWritesIsNoErrorAndCutsTheFileBetweenChunks() throws Exception {
        Path file = dir.resolve("logs/out.log");
        LogSink sink = LogSink.open(Optional.of(file), 1000, 2);
        AtomicBoolean closed = new AtomicBoolean();
        AtomicLong chunks = new AtomicLong();
        Thread writer = new Thread(() -> {
            int afterClose = 0;
            while (afterClose < 100) { // writes (and rotates) until well after the close
                if (closed.get()) {
                    afterClose++;
                }
                write(sink, "0123456789");
                chunks.incrementAndGet();
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(() -> chunks.get() > 500);
        sink.close();
        closed.set(true);
        writer.join();

        assertEquals(Optional.empty(), sink.lastError());
        assertEquals(chunks.get() * 10, sink.ring().total(), "the ring got every chunk");
        String current = Files.readString(file, US_ASCII);
        assertTrue(current.replace("0123456789", "").isEmpty(), "whole chunks only: " + current);
        assertEquals(1000, Files.size(dir.resolve("logs/out.log.1")));
    }

    @Test
    void productionRingKeepsLast64KiB() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            byte[] b = new byte[LogSink.RING_BYTES + 100];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) i;
            }
            sink.beginRun().write(ByteBuffer.wrap(b));
            assertEquals(LogSink.RING_BYTES, sink.ring().capacity());
            assertEquals(LogSink.RING_BYTES, sink.tail(Integer.MAX_VALUE).length);
            assertEquals(b[b.length - 1], sink.tail(1)[0]);
        }
    }

    @Test
    void noFileKeepsTheRingOnly() throws IOException {
        try (LogSink sink = LogSink.open(Optional.empty(), 100, 3, 8)) {
            write(sink, "abcdefghij");
            assertEquals("cdefghij", str(sink.tail(100)));
            assertEquals(Optional.empty(), sink.file());
            assertEquals(Optional.empty(), sink.lastError());
            sink.setLimits(5, 1); // nothing to apply it to
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void unwritablePathIsRecordedNotThrownAndRetried() throws IOException {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a regular file where a directory should be");
        Path file = blocker.resolve("out.log");

        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            assertEquals(Optional.empty(), sink.lastError(), "nothing tried before the first output");

            write(sink, "lost ");
            String error = sink.lastError().orElseThrow(() -> new AssertionError("the first write's failure is recorded"));
            assertTrue(error.contains(file.toString()), error);
            assertTrue(error.contains("spec.logs.stdout.file"), "says what to do: " + error);
            assertEquals("lost ", str(sink.tail(100)), "ring still gets the bytes");

            // Once the path is usable the next write creates the file and clears the error.
            Files.delete(blocker);
            write(sink, "kept");
            assertEquals(Optional.empty(), sink.lastError());
            assertEquals("kept", Files.readString(file, US_ASCII));
            assertEquals("lost kept", str(sink.tail(100)));
        }
    }

    @Test
    void setLimitsReachesTheFile() throws IOException {
        Path file = dir.resolve("out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            write(sink, "abcd");
            sink.setLimits(4, 1);
            write(sink, "ef");
            assertEquals("abcd", Files.readString(dir.resolve("out.log.1"), US_ASCII));
            assertEquals("ef", Files.readString(file, US_ASCII));
        }
    }

    @Test
    void closeIsIdempotentAndLaterOutputReachesOnlyTheRing() throws IOException {
        Path file = dir.resolve("out.log");
        LogSink sink = LogSink.open(Optional.of(file), 0, 0);
        write(sink, "before");
        sink.close();
        sink.close();
        write(sink, "after");
        assertEquals("before", Files.readString(file, US_ASCII));
        assertEquals("beforeafter", str(sink.tail(100)));
        assertFalse(sink.lastError().isPresent());
        assertArrayEquals("after".getBytes(US_ASCII), sink.ring().since(6));
    }

    @Test
    void theRunBeforeTheLatestIsWhatItWrote() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0, 64)) {
            assertTrue(sink.previousRun().isEmpty(), "never run");
            LogSink.Run first = sink.beginRun();
            write(first, "one\n");
            assertTrue(sink.previousRun().isEmpty(), "one run: nothing before it");
            LogSink.Run second = sink.beginRun();
            assertEquals("one\n", previous(sink), "the new run has written nothing yet");
            write(first, "last words\n"); // the crashed run's last chunk, read after the next spawn
            write(second, "two\n");
            write(first, "late\n"); // after the new run wrote: counted with it
            assertEquals("one\nlast words\n", previous(sink));
            assertEquals("one\nlast words\ntwo\nlate\n", str(sink.tail(100)), "the tail has every run");
            LogSink.Run third = sink.beginRun();
            assertEquals("two\nlate\n", previous(sink));
            write(third, "three\n");
            assertEquals("two\nlate\n", previous(sink));
        }
    }

    @Test
    void aRunThatWroteNothingHasEmptyOutputAndAFailedSpawnIsNoRun() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0, 64)) {
            write(sink.beginRun(), "one\n");
            sink.beginRun(); // a run that says nothing
            sink.beginRun();
            assertEquals("", previous(sink));
            sink.abandonRun(); // that spawn failed: the silent run is the latest again
            assertEquals("one\n", previous(sink));
            LogSink.Run again = sink.beginRun();
            write(again, "again\n");
            assertEquals("", previous(sink), "the silent run");
        }
    }

    @Test
    void aPreviousRunOverwrittenByLaterOutputSaysHowMuchIsLost() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0, 8)) {
            write(sink.beginRun(), "abcdef");
            LogSink.Run second = sink.beginRun();
            write(second, "1234");
            LogSink.RunOutput partly = sink.previousRun().orElseThrow();
            assertEquals("cdef", str(partly.bytes()), "the ring holds cdef1234");
            assertEquals(2, partly.lostBytes());
            write(second, "5678");
            LogSink.RunOutput gone = sink.previousRun().orElseThrow();
            assertEquals("", str(gone.bytes()));
            assertEquals(6, gone.lostBytes());
        }
    }

    @Test
    void aSinkMovedToAnotherFileKeepsTheOutputAndRunsFromBefore() throws IOException {
        Path before = dir.resolve("before.log");
        Path after = dir.resolve("after.log");
        LogSink first = LogSink.open(Optional.of(before), 0, 0, 64);
        LogSink.Run crashed = first.beginRun();
        write(crashed, "last words\n");
        LogSink moved = first.movedTo(Optional.of(after), 0, 0);
        write(moved.beginRun(), "restarted\n");
        assertEquals("last words\n", previous(moved), "logs -p after a log path change");
        assertEquals("last words\nrestarted\n", str(moved.tail(100)));
        assertEquals("last words\n", Files.readString(before, US_ASCII));
        assertEquals("restarted\n", Files.readString(after, US_ASCII));
        write(crashed, "late\n"); // the old sink's file is closed; its late output still reaches the memory
        assertEquals("last words\n", Files.readString(before, US_ASCII));
        assertTrue(str(moved.tail(100)).endsWith("late\n"));
        moved.close();
    }
    @Test
    void aFileThatCannotBeWrittenIsAdvisedOnAsWhatItIs() {
        IOException broken = new IOException("Broken pipe");
        assertTrue(LogSink.cannotWrite(Path.of("/var/log/web.log"), new IOException("No space left on device"))
                .endsWith("(check that the daemon can create and write that directory and that its file system has room, or change"
                        + " spec.logs.stdout.file / spec.logs.stderr.file)"));
        assertTrue(LogSink.cannotWrite(Path.of("/run/shipper.fifo"), broken)
                .endsWith("(start what reads that FIFO, or change spec.logs.stdout.file / spec.logs.stderr.file)"));
        assertTrue(LogSink.cannotWrite(Path.of("/dev/stdout"), broken).contains("check what reads the daemon's stdout"));
        assertTrue(LogSink.cannotWrite(Path.of("/dev/fd/2"), broken).contains("check what reads the daemon's stderr"));
        assertTrue(LogSink.cannotWrite(Path.of("/dev/fd/2"), broken).startsWith("cannot write log file /dev/fd/2: IOException:"
                + " Broken pipe; until it can, output reaches only the in-memory tail"));
    }
}
