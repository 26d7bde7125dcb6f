package dev.steward.supervise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipe reader on plain pipes written by the test itself: no child processes. */
class PipeReaderTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final PipeReader reader = new PipeReader();
    private final List<Integer> writeEnds = new ArrayList<>();

    /** One pipe: the test writes into {@link #fd}, the reader hands the bytes to this sink. */
    private static final class Pipe implements OutputSink {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int fd;
        int readFd;
        String readEnd; // what /proc/self/fd/<readFd> links to while the reader holds it: pipe:[inode]
        volatile int bytesAtEnd = -1; // what had arrived when the reader said the pipe ended

        @Override
        public synchronized void write(ByteBuffer chunk) {
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            received.writeBytes(bytes);
        }

        @Override
        public synchronized void ended() {
            bytesAtEnd = received.size();
        }

        synchronized byte[] received() {
            return received.toByteArray();
        }

        /** Whether the reader has closed its end (the number may have been reused for something else since). */
        boolean readEndClosed() {
            try {
                return !link(readFd).equals(readEnd);
            } catch (IOException e) {
                return true;
            }
        }
    }

    private Pipe open() throws IOException, SpawnException {
        int[] fds = new int[2];
        assertEquals(0, LibC.pipe2(fds, LibC.O_CLOEXEC));
        Pipe pipe = new Pipe();
        pipe.fd = fds[1];
        pipe.readFd = fds[0];
        pipe.readEnd = link(fds[0]);
        writeEnds.add(fds[1]);
        reader.add(fds[0], pipe);
        return pipe;
    }

    private static void write(Pipe pipe, byte[] bytes) {
        pipe.expected.writeBytes(bytes);
        // A blocking pipe: the call returns once the reader has made room for all of it.
        assertEquals(bytes.length, LibC.write(pipe.fd, bytes, bytes.length));
    }

    private void close(Pipe pipe) {
        LibC.close(pipe.fd);
        writeEnds.remove(Integer.valueOf(pipe.fd));
    }

    private static String link(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    @AfterEach
    void closeWriteEnds() {
        writeEnds.forEach(LibC::close);
    }

    @Test
    void manyPipesOfSmallAndLargeWritesArriveWholeAndInOrderAndAreClosedAtEof() throws Exception {
        List<Pipe> all = new ArrayList<>();
        for (int i = 0; i < 150; i++) { // more than the reader's first arrays hold
            all.add(open());
        }
        List<Pipe> live = new ArrayList<>(all);
        writeRounds(all, live, 20);

        // EOF on every third pipe: the reader closes them and drops them from its set, and new pipes
        // take their descriptor numbers.
        List<Pipe> ended = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 3) {
            ended.add(all.get(i));
        }
        ended.forEach(this::close);
        live.removeAll(ended);
        await("the reader closes pipes at EOF").atMost(PATIENCE).until(() -> ended.stream().allMatch(Pipe::readEndClosed));
        for (int i = 0; i < 50; i++) {
            Pipe pipe = open();
            all.add(pipe);
            live.add(pipe);
        }
        writeRounds(all, live, 20);

        // One pipe at a time, so none is read only because another one woke the reader.
        for (Pipe pipe : live) {
            write(pipe, "alone\n".getBytes(US_ASCII));
            await("a lone write").atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> Arrays.equals(pipe.expected.toByteArray(), pipe.received()));
        }
        await("every pipe's bytes, in order").atMost(PATIENCE)
                .until(() -> all.stream().allMatch(pipe -> Arrays.equals(pipe.expected.toByteArray(), pipe.received())));
        live.forEach(this::close);
        await("the reader closes every pipe at EOF").atMost(PATIENCE).until(() -> all.stream().allMatch(Pipe::readEndClosed));
    }

    private static void writeRounds(List<Pipe> all, List<Pipe> live, int rounds) {
        Random random = new Random(rounds);
        byte[] big = new byte[PipeReader.CHUNK * 2 + 123]; // several reads, each too large to rest after
        random.nextBytes(big);
        for (int round = 0; round < rounds; round++) {
            for (Pipe pipe : live) {
                // Lines close together make a pipe rest; now and then a large write follows.
                write(pipe, ("pipe " + all.indexOf(pipe) + " line " + round + "\n").getBytes(US_ASCII));
                if (random.nextInt(50) == 0) {
                    write(pipe, big);
                }
            }
        }
    }

    @Test
    void bytesWrittenWhileAPipeRestsArriveInOrder() throws Exception {
        Pipe pipe = open();
        for (int i = 0; i < 1000; i++) {
            write(pipe, "x".getBytes(US_ASCII)); // one byte at a time: the pipe rests between reads
        }
        await().atMost(PATIENCE).until(() -> pipe.received().length == 1000);
        write(pipe, "after".getBytes(US_ASCII));
        await().atMost(PATIENCE).until(() -> new String(pipe.received(), US_ASCII).endsWith("xafter"));
        close(pipe);
        await().atMost(PATIENCE).until(pipe::readEndClosed);
        assertArrayEquals(pipe.expected.toByteArray(), pipe.received());
        await().atMost(PATIENCE).until(() -> pipe.bytesAtEnd >= 0);
        assertEquals(1005, pipe.bytesAtEnd, "the sink is told of the end after the last bytes");
    }

    @Test
    void aWriterThatKeepsWritingIsReadRestAfterRest() throws Exception {
        Pipe pipe = open();
        for (int round = 0; round < 5; round++) {
            // Lines without a pause: the pipe rests and is read between rests, out of the epoll set.
            for (int i = 0; i < 20_000; i++) {
                write(pipe, line((i + round) % 26));
            }
            // More than the pipe holds in one write: the reader must keep reading it, rest or not.
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            new Random(round).nextBytes(big);
            write(pipe, big);
        }
        close(pipe);
        await().atMost(PATIENCE).until(pipe::readEndClosed);
        assertArrayEquals(pipe.expected.toByteArray(), pipe.received());
    }

    @Test
    void theEndOfAPipeIsSeenWhileItRests() throws Exception {
        for (int round = 0; round < 10; round++) {
            Pipe pipe = open();
            // Lines without a pause for a few milliseconds, then the end: the pipe is most likely resting
            // when its writer goes, and the reader sees the end when it next reads it directly.
            long until = System.nanoTime() + Duration.ofMillis(3).toNanos();
            for (int i = 0; System.nanoTime() < until; i++) {
                write(pipe, line(i % 26));
            }
            close(pipe);
            await().atMost(PATIENCE).until(pipe::readEndClosed);
            assertArrayEquals(pipe.expected.toByteArray(), pipe.received());
        }
    }

    @Test
    void onlyAPipeOfFullSizeThatCannotBlockMayRest() {
        assertTrue(PipeReader.restsAllowed(1024 * 1024, 0));
        assertFalse(PipeReader.restsAllowed(64 * 1024, 0), "the kernel kept its default size");
        assertFalse(PipeReader.restsAllowed(-1, 0), "the size was refused");
        assertFalse(PipeReader.restsAllowed(1024 * 1024, -1), "reads would block");
    }

    private static byte[] line(int letter) {
        byte[] line = new byte[100];
        Arrays.fill(line, (byte) 'x');
        line[0] = (byte) ('a' + letter);
        line[99] = '\n';
        return line;
    }
}
