package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSinkTest {

    @TempDir
    Path dir;

    private static void write(LogSink sink, String s) {
        byte[] b = s.getBytes(US_ASCII);
        sink.write(b, 0, b.length);
    }

    private static String str(byte[] b) {
        return new String(b, US_ASCII);
    }

    @Test
    void writesFileAndRing() throws IOException {
        Path file = dir.resolve("p/out.log");
        try (LogSink sink = LogSink.open(Optional.of(file), 0, 0)) {
            assertTrue(Files.exists(file), "opened eagerly");
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
    void productionRingKeepsLast64KiB() {
        try (LogSink sink = LogSink.open(Optional.empty(), 0, 0)) {
            byte[] b = new byte[LogSink.RING_BYTES + 100];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) i;
            }
            sink.write(b, 0, b.length);
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
            assertTrue(sink.lastError().isPresent(), "open failure recorded");

            write(sink, "lost ");
            assertTrue(sink.lastError().isPresent());
            assertTrue(sink.lastError().get().contains(file.toString()), sink.lastError().get());
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
}
