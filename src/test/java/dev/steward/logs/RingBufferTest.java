package dev.steward.logs;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aSliceSaysWhetherALineBeginsAtItsStartAlsoWhenTheByteBeforeIsOverwritten() {
        RingBuffer ring = new RingBuffer(5);
        assertTrue(ring.read(0).startsLine(), "the stream's first byte");
        write(ring, "aa\nb");
        assertTrue(ring.read(0).startsLine());
        assertFalse(ring.read(1).startsLine(), "after an a");
        assertTrue(ring.read(3).startsLine(), "after a newline still held");
        write(ring, "bbbb"); // "aa\n" overwritten: the ring holds "bbbbb", after that newline
        assertEquals(3, ring.read(0).start());
        assertTrue(ring.read(0).startsLine(), "after the newline overwritten last");
        write(ring, "c");
        assertFalse(ring.read(0).startsLine(), "after a b");

        RingBuffer one = new RingBuffer(4);
        write(one, "xy\nabcd"); // longer than the ring in one write: its fourth byte from the end decides
        assertTrue(one.read(0).startsLine());
        write(one, "ef\ngh"); // holds "f\ngh", after the e
        assertFalse(one.read(0).startsLine(), "after an e");
    }

    @Test
    void anEmptyWriteLeavesWhatTheLostByteWasAlone() {
        // Once full, an empty write's "last byte left unheld" is one overwritten long ago; its slot holds the newest
        // byte, and a newline there made the piece "bcd" pass for a whole line.
        RingBuffer ring = new RingBuffer(4);
        write(ring, "abcd\n"); // holds "bcd\n", after an a
        assertFalse(ring.read(0).startsLine());
        ring.write(new byte[0], 0, 0);
        ring.write(java.nio.ByteBuffer.allocate(0));
        assertFalse(ring.read(0).startsLine(), "still after the a");
        assertEquals("bcd\n", str(ring.since(0)));
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

    // ---- the memory all rings share ---------------------------------------------------------------

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    @Test
    void aRingGrowsOnlyAsFarAsTheSharedMemoryAllowsThenWrapsAtThatSize() {
        TailMemory memory = new TailMemory(20_000);
        RingBuffer first = new RingBuffer(64 * 1024, memory);
        first.write(bytes(16_000, 0), 0, 16_000);
        assertEquals(16_000, memory.taken(), "grown to what it holds");

        RingBuffer second = new RingBuffer(64 * 1024, memory);
        byte[] out = bytes(10_000, 7);
        second.write(out, 0, out.length);

        assertEquals(TailMemory.FLOOR_BYTES, second.capacity(), "refused past the limit, it keeps the floor");
        assertEquals(16_000 + TailMemory.FLOOR_BYTES, memory.taken());
        assertArrayEquals(Arrays.copyOfRange(out, out.length - 4096, out.length), second.tail(Integer.MAX_VALUE));
        byte[] more = bytes(1000, 99);
        second.write(more, 0, more.length);
        assertEquals(10_000 + 1000, second.total());
        byte[] expected = new byte[4096];
        System.arraycopy(out, out.length - 3096, expected, 0, 3096);
        System.arraycopy(more, 0, expected, 3096, 1000);
        assertArrayEquals(expected, second.tail(Integer.MAX_VALUE), "the last 4 KiB, in order, across the wrap");
        assertArrayEquals(more, second.since(10_000));
    }

    @Test
    void aRingRefusedTakesTheFloorAndKeepsItsNewestBytesInOrder() {
        TailMemory memory = new TailMemory(3000);
        RingBuffer ring = new RingBuffer(64 * 1024, memory);
        write(ring, "x".repeat(5000)); // 5000 bytes are refused, the floor of 4 KiB is granted, and the write wraps
        assertEquals(TailMemory.FLOOR_BYTES, ring.capacity());
        assertEquals("x".repeat(4096), str(ring.tail(Integer.MAX_VALUE)));

        TailMemory small = new TailMemory(3000);
        RingBuffer other = new RingBuffer(64 * 1024, small);
        write(other, "a".repeat(2000)); // 2 KiB, within the floor
        write(other, "b".repeat(3000)); // wants 8 KiB: refused; the floor is 4 KiB
        assertEquals(4096, other.capacity());
        assertEquals("a".repeat(1096) + "b".repeat(3000), str(other.tail(Integer.MAX_VALUE)));
    }

    @Test
    void aReleasedRingGivesItsMemoryBackAndGrowsNoFurtherThanTheFloor() {
        TailMemory memory = new TailMemory(1 << 20);
        RingBuffer ring = new RingBuffer(64 * 1024, memory);
        write(ring, "abc");
        RingBuffer other = new RingBuffer(64 * 1024, memory);
        write(other, "x".repeat(2000));
        long both = memory.taken();

        ring.release();
        ring.release();

        assertEquals(both - 256, memory.taken(), "released once");
        write(ring, "d".repeat(10_000)); // late output of a closed sink
        assertEquals(both - 256, memory.taken(), "not counted again");
        assertEquals(TailMemory.FLOOR_BYTES, ring.capacity());
        assertEquals("d".repeat(4096), str(ring.tail(Integer.MAX_VALUE)), "still readable");
    }

    @Test
    void aRingAtItsFullSizeAsksForNothingMore() {
        TailMemory memory = new TailMemory(1 << 20);
        RingBuffer ring = new RingBuffer(1024, memory);
        write(ring, "y".repeat(5000));
        write(ring, "z".repeat(5000));
        assertEquals(1024, memory.taken());
        assertEquals(1024, ring.capacity());
    }
}
