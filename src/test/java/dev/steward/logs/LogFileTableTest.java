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
            // the pipe's end writes the line held back as it is
            b.ended();
            assertEquals("a1\nb1 started\nb2\na2 started, ends\nb3", read("shared.log"));
        }
    }

    @Test
    void aLineLongerThanTheLimitIsWrittenInPiecesOfTheLimit() throws IOException {
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
    void aSharedFileRotatesOnceForAllItsWritersAndNoneGoesOnInABackup() throws IOException {
        Path file = dir.resolve("shared.log");
        try (LogSink a = sink(file, 20, 5); LogSink b = sink(file, 20, 5)) {
            LogSink.Run ra = a.beginRun();
            LogSink.Run rb = b.beginRun();
            for (int i = 0; i < 5; i++) {
                write(ra, "a" + i + "...\n"); // 6 bytes
                write(rb, "b" + i + "...\n");
            }
            // 60 bytes in order, cut at every 20 as one stream's would be: no backup written after its rotation
            String all = read("shared.log.2") + read("shared.log.1") + read("shared.log");
            assertEquals("a0...\nb0...\na1...\nb1...\na2...\nb2...\na3...\nb3...\na4...\nb4...\n", all);
            assertEquals(20, Files.size(dir.resolve("shared.log.2")));
            assertEquals(20, Files.size(dir.resolve("shared.log.1")));
            assertEquals(20, Files.size(file));
            assertFalse(Files.exists(dir.resolve("shared.log.3")));
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
    void aFileNotFromTheTableIsClosedByRelease() throws IOException {
        RotatingFile stray = new RotatingFile(dir.resolve("stray.log"), 0, 0);
        RotatingFile held = table.acquire(dir.resolve("stray.log"), 0, 0);
        table.release(stray);
        assertEquals(1, table.writers(dir.resolve("stray.log")));
        held.write(ByteBuffer.wrap("ok".getBytes(US_ASCII)));
        assertSame(held, table.acquire(dir.resolve("stray.log"), 0, 0));
    }
}
