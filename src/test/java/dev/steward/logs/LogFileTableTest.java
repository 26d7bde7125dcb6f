package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams that name one log file: one writer, one rotation, whole lines. */
class LogFileTableTest {

    @TempDir
    Path dir;

    private final LogFileTable table = new LogFileTable();

    private LogSink sink(Path file, long maxBytes, int backups) {
        return LogSink.open(Optional.of(file), maxBytes, backups, TailMemory.unlimited(), table);
    }

    private static void write(LogSink.Run run, String s) {
        // a direct buffer, as the pipe reader hands over
        ByteBuffer chunk = ByteBuffer.allocateDirect(s.length());
        chunk.put(s.getBytes(US_ASCII)).flip();
        run.write(chunk);
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), US_ASCII);
    }

    @Test
    void streamsNamingOnePathShareOneWriterAndTheLastToLeaveClosesIt() throws IOException {
        Path file = dir.resolve("shared.log");
        LogSink a = sink(file, 0, 0);
        assertEquals(1, table.writers(file));
        LogSink b = sink(dir.resolve("sub/../shared.log"), 0, 0); // the same file, spelled otherwise
        assertEquals(2, table.writers(file));
        LogSink other = sink(dir.resolve("other.log"), 0, 0);
        assertEquals(1, table.writers(dir.resolve("other.log")));

        a.close();
        assertEquals(1, table.writers(file));
        write(b.beginRun(), "still written\n");
        assertEquals("still written\n", read("shared.log"));
        b.close();
        other.close();
        assertEquals(0, table.writers(file));
        // a new stream of the path gets a writer of its own again
        try (LogSink again = sink(file, 0, 0)) {
            write(again.beginRun(), "x");
            assertEquals("still written\nx", read("shared.log"));
        }
    }

    @Test
    void everyNameOfTheDaemonsStderrIsOneWriterHandedWholeLinesEvenByOneStream() throws IOException {
        // stderr: the test runner reads this JVM's stdout for its own messages
        LogFileTable.Lease one = table.acquire(Path.of("/dev/stderr"), 0, 0);
        assertTrue(one.file().shared(), "the daemon's own lines go there too: whole lines from the start");
        LogFileTable.Lease alias = table.acquire(Path.of("/proc/self/fd/2"), 0, 0);
        assertSame(one.file(), alias.file());
        assertEquals(2, table.writers(Path.of("/dev/fd/2")));
        assertEquals(0, table.writers(Path.of("/dev/stdout")));
        one.release();
        alias.release();
        assertEquals(0, table.writers(Path.of("/dev/stderr")));
    }

    @Test
    void eachStreamsLinesLandWholeWhateverHowTheirChunksInterleave() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0); LogSink b = sink(file, 0, 0)) {
            LogSink.Run ra = a.beginRun();
            LogSink.Run rb = b.beginRun();
            write(ra, "a1\na2 sta");
            write(rb, "b1 st");
            write(ra, "rted, ");
            write(rb, "arted\nb2\nb3");
            write(ra, "ends\n");
            assertEquals("a1\nb1 started\nb2\na2 started, ends\n", read("shared.log"));
            // what each stream wrote is in its own memory at once, held-back line and all
            assertEquals("b1 started\nb2\nb3", new String(b.tail(100), US_ASCII));
            // the pipe's end writes the line held back, ended
            rb.ended();
            assertEquals("a1\nb1 started\nb2\na2 started, ends\nb3\n", read("shared.log"));
        }
    }

    @Test
    void aLineLongerThanTheLimitIsWrittenAsItComes() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0); LogSink b = sink(file, 0, 0)) {
            LogSink.Run ra = a.beginRun();
            String piece = "x".repeat(LogSink.MAX_LINE / 2);
            write(ra, piece);
            write(ra, piece);
            assertFalse(Files.exists(file)); // exactly the limit: still held
            write(ra, "y");
            assertEquals(LogSink.MAX_LINE + 1, Files.size(file)); // past it: written as it is
            write(ra, "tail\n" + "z".repeat(LogSink.MAX_LINE + 1));
            assertEquals(2 * LogSink.MAX_LINE + 7, Files.size(file)); // a remainder past the limit is not held
            write(b.beginRun(), "b\n");
            assertTrue(read("shared.log").endsWith("tail\n" + "z".repeat(LogSink.MAX_LINE + 1) + "b\n"));
        }
    }

    @Test
    void aLineLongerThanTheLimitIsEndedWhenItsPipeEnds() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0); LogSink b = sink(file, 0, 0)) {
            LogSink.Run ra = a.beginRun();
            write(ra, "z".repeat(LogSink.MAX_LINE + 1)); // written as it comes, so nothing is held to end
            ra.ended();
            write(b.beginRun(), "b\n");
            assertEquals("z".repeat(LogSink.MAX_LINE + 1) + "\nb\n", read("shared.log"));
        }
    }

    @Test
    void aSharedFileRotatesOnceForAllItsWritersAndNoneGoesOnInABackup() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 20, 5); LogSink b = sink(file, 20, 5)) {
            LogSink.Run ra = a.beginRun();
            LogSink.Run rb = b.beginRun();
            for (int i = 0; i < 5; i++) {
                write(ra, "a" + i + "...\n"); // 6 bytes
                write(rb, "b" + i + "...\n");
            }
            // 60 bytes in order, cut at the last line's end within every 20 as one stream's would be: no backup written
            // after its rotation
            String all = read("shared.log.3") + read("shared.log.2") + read("shared.log.1") + read("shared.log");
            assertEquals("a0...\nb0...\na1...\nb1...\na2...\nb2...\na3...\nb3...\na4...\nb4...\n", all);
            assertEquals("a0...\nb0...\na1...\n", read("shared.log.3"));
            assertEquals("b1...\na2...\nb2...\n", read("shared.log.2"));
            assertEquals("a3...\nb3...\na4...\n", read("shared.log.1"));
            assertEquals("b4...\n", read("shared.log"));
            assertFalse(Files.exists(dir.resolve("shared.log.4")));
        }
    }

    @Test
    void aSharedFileIsNotReadBackForOneStreamsLogsOnlyItsMemoryIs() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0)) {
            write(a.beginRun(), "a\n");
            Optional<LogFiles> alone = a.files();
            assertTrue(alone.isPresent(), "alone, its file is its stream");
            alone.get().close();
            try (LogSink b = sink(file, 0, 0)) {
                write(b.beginRun(), "b\n");
                assertEquals(Optional.empty(), a.files().map(LogFiles::size));
                assertEquals(Optional.empty(), b.files().map(LogFiles::size));
            }
        }
    }

    @Test
    void aLeaseLetGoTwiceCountsOnce() throws IOException {
        Path file = dir.resolve("twice.log");
        LogFileTable.Lease first = table.acquire(file, 0, 0);
        LogFileTable.Lease second = table.acquire(file, 0, 0);
        assertSame(first.file(), second.file());
        first.release();
        first.release();
        assertEquals(1, table.writers(file));
        second.file().write(ByteBuffer.wrap("still open".getBytes(US_ASCII)));
        second.release();
        assertEquals(0, table.writers(file));
    }

    @Test
    void aSharedFileTakesTheMostGenerousLimitsOfItsStreamsSoNoneLosesWhatItMeantToKeep() throws IOException {
        Path file = dir.resolve("limits.log");
        LogFileTable.Lease keeper = table.acquire(file, 10, 5);
        LogFileTable.Lease truncater = table.acquire(file, 4, 0);
        assertEquals(10, keeper.file().maxBytes());
        assertEquals(5, keeper.file().backups(), "backups: 0 must not delete the other stream's backups");
        LogFileTable.Lease unlimited = table.acquire(file, 0, 1);
        assertEquals(0, keeper.file().maxBytes(), "0 never rotates, above any size");
        unlimited.release();
        assertEquals(10, keeper.file().maxBytes(), "recomputed when a stream leaves");
        keeper.setLimits(2, 1);
        assertEquals(4, keeper.file().maxBytes());
        assertEquals(1, keeper.file().backups());
        truncater.release();
        keeper.release();
    }

    @Test
    void aStreamMovedToTheFileItAlreadyWritesIsNotASecondWriter() throws IOException {
        Path file = dir.resolve("same.log");
        try (LogSink sink = sink(file, 0, 0)) {
            LogSink same = sink.movedTo(Optional.of(file), 100, 2); // its other stream's path changed, say
            assertSame(sink, same);
            assertSame(sink, sink.movedTo(Optional.of(dir.resolve("sub/../same.log")), 100, 2), "spelled otherwise");
            assertEquals(1, table.writers(file));
            LogSink.Run run = sink.beginRun();
            write(run, "a\nprompt> ");
            assertEquals("a\nprompt> ", read("same.log"), "not held back: the file is not shared");
            Optional<LogFiles> files = sink.files();
            assertTrue(files.isPresent(), "and logs still reads it");
            files.get().close();
        }
    }

    @Test
    void aHeldLineReachesTheFileWhenTheSinkLetsGoBeforeThePipeEnds() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0); LogSink b = sink(file, 0, 0)) {
            write(a.beginRun(), "a1\nlast words");
            LogSink.Run rb = b.beginRun();
            write(rb, "b1\n");
            a.close(); // the process is gone and its slot released; its pipe may end later, or never
            assertEquals("a1\nb1\nlast words\n", read("shared.log"));
            write(rb, "b2 unfinished");
            LogSink moved = b.movedTo(Optional.of(dir.resolve("elsewhere.log")), 0, 0); // a restart under a new path
            moved.close();
            assertEquals("a1\nb1\nlast words\nb2 unfinished\n", read("shared.log"),
                    "an unfinished line ends with its pipe or its sink: the next stream's line does not run on from it");
        }
    }

    @Test
    void eachPipeHoldsItsOwnUnfinishedLine() throws IOException {
        // A restart while the old run's pipe is still open (a grandchild holds it): two pipes into one sink.
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 0, 0); LogSink b = sink(file, 0, 0)) {
            LogSink.Run old = a.beginRun();
            LogSink.Run next = a.beginRun();
            write(old, "old half ");
            write(next, "new half ");
            old.ended();
            write(b.beginRun(), "b\n");
            write(next, "and its end\n");
            assertEquals("old half \nb\nnew half and its end\n", read("shared.log"));
        }
    }
}
