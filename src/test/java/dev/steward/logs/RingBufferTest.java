package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RingBufferTest {

    private static void write(RingBuffer ring, String s) {
        byte[] b = s.getBytes(US_ASCII);
        ring.write(b, 0, b.length);
    }

    private static String str(byte[] b) {
        return new String(b, US_ASCII);
    }

    @Test
    void emptyRingHasNothing() {
        RingBuffer ring = new RingBuffer(8);
        assertEquals(0, ring.total());
        assertEquals(0, ring.size());
        assertEquals("", str(ring.tail(10)));
        assertEquals("", str(ring.since(0)));
    }

    @Test
    void tailReturnsLastBytesUpToSize() {
        RingBuffer ring = new RingBuffer(8);
        write(ring, "abcde");
        assertEquals("abcde", str(ring.tail(100)));
        assertEquals("cde", str(ring.tail(3)));
        assertEquals("", str(ring.tail(0)));
        assertEquals("", str(ring.tail(-1)));
        assertEquals(5, ring.size());
    }

    @Test
    void wrapsAroundKeepingTheLastCapacityBytes() {
        RingBuffer ring = new RingBuffer(8);
        write(ring, "abcde");
        write(ring, "fghij"); // crosses the end of the array
        assertEquals(10, ring.total());
        assertEquals(8, ring.size());
        assertEquals("cdefghij", str(ring.tail(8)));
        assertEquals("hij", str(ring.tail(3)));
        assertEquals("efghij", str(ring.tail(6))); // tail itself wraps
    }

    @Test
    void writeLargerThanCapacityKeepsItsEnd() {
        RingBuffer ring = new RingBuffer(4);
        write(ring, "xy");
        write(ring, "0123456789");
        assertEquals(12, ring.total());
        assertEquals("6789", str(ring.tail(10)));
        write(ring, "ab");
        assertEquals("89ab", str(ring.tail(10)));
    }

    @Test
    void writeHonoursOffsetAndLength() {
        RingBuffer ring = new RingBuffer(8);
        byte[] b = "--abc--".getBytes(US_ASCII);
        ring.write(b, 2, 3);
        assertEquals("abc", str(ring.tail(8)));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.write(b, 5, 3));
    }

    @Test
    void writeFromABufferTakesItsRemainingBytesAndLeavesItsPosition() {
        RingBuffer ring = new RingBuffer(4);
        ByteBuffer chunk = ByteBuffer.allocateDirect(16);
        chunk.put("--abcdef--".getBytes(US_ASCII)).flip().position(2).limit(8);
        ring.write(chunk);
        assertEquals("cdef", str(ring.tail(8)));
        assertEquals(6, ring.total());
        assertEquals(2, chunk.position());
        assertEquals(8, chunk.limit());
    }

    @Test
    void sinceReturnsBytesFromAbsolutePosition() {
        RingBuffer ring = new RingBuffer(8);
        write(ring, "abcdef");
        assertEquals("abcdef", str(ring.since(0)));
        assertEquals("def", str(ring.since(3)));
        assertEquals("", str(ring.since(6)));
        assertEquals("", str(ring.since(99)));

        write(ring, "ghijk"); // total 11, holds "defghijk"
        assertEquals("ghijk", str(ring.since(6)));
        assertEquals("defghijk", str(ring.since(3)));
        // Position 1 was overwritten: what is left is returned.
        assertEquals("defghijk", str(ring.since(1)));
        assertEquals("defghijk", str(ring.since(-5)));
    }

    @Test
    void readTellsWhereTheBytesStartWhenAFollowerFellBehind() {
        RingBuffer ring = new RingBuffer(4);
        write(ring, "abcdefgh");
        RingBuffer.Slice slice = ring.read(2);
        assertEquals(4, slice.start());
        assertEquals("efgh", str(slice.bytes()));
        assertEquals(8, slice.next());

        RingBuffer.Slice none = ring.read(slice.next());
        assertEquals(8, none.start());
        assertEquals(0, none.bytes().length);
    }

    @Test
    void followerPollingWithReadSeesTheExactStream() {
        // Random chunk sizes around the capacity; a follower polling after every write must
        // reassemble the stream without gaps or repeats.
        Random random = new Random(42);
        RingBuffer ring = new RingBuffer(64);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        long position = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] chunk = new byte[random.nextInt(64)];
            random.nextBytes(chunk);
            ring.write(chunk, 0, chunk.length);
            written.writeBytes(chunk);
            RingBuffer.Slice slice = ring.read(position);
            assertEquals(position, slice.start());
            followed.writeBytes(slice.bytes());
            position = slice.next();
        }
        assertArrayEquals(written.toByteArray(), followed.toByteArray());
        byte[] all = written.toByteArray();
        assertArrayEquals(Arrays.copyOfRange(all, all.length - 64, all.length), ring.tail(64));
    }

    @Test
    void rejectsNonPositiveCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new RingBuffer(0));
    }
}
