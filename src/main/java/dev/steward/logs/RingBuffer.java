package dev.steward.logs;

import java.nio.ByteBuffer;

/**
 * The last {@code capacity} bytes of a stream, addressed by absolute position (bytes written since
 * creation) so that followers can ask for "everything after what I have already seen".
 *
 * <p>Written by the I/O thread and read by request handlers, so every method takes one plain lock;
 * this is a byte cache, not supervisor state, and the critical sections are short array copies.
 */
public final class RingBuffer {

    /**
     * Bytes copied out of the ring.
     *
     * @param start absolute position of {@code bytes[0]}; greater than the position asked for when
     *              the bytes in between were overwritten before they could be read
     * @param bytes the bytes from {@code start} up to the end of what had been written
     * @param startsLine whether a line begins at {@code start}: the stream's first byte, or one after a newline, also
     *                   when that newline has been overwritten
     */
    public record Slice(long start, byte[] bytes, boolean startsLine) {
        /** The position to ask for next to continue right after this slice. */
        public long next() {
            return start + bytes.length;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    private final TailMemory memory;
    // Grows on demand up to capacity: hundreds of quiet programs should not cost 64 KiB per stream.
    // While total <= buf.length the bytes sit at their own position, so the ring math is unchanged,
    // and so is it when capacity is lowered to buf.length at that moment (memory refused the growth).
    private int capacity;
    private byte[] buf = EMPTY;
    private long total;
    private boolean released;
    private boolean lostEndsLine = true; // whether the last byte overwritten, just before the oldest held, was a newline

    /** A ring keeping the last {@code capacity} bytes written, with no shared limit. */
    public RingBuffer(int capacity) {
        this(capacity, TailMemory.unlimited());
    }

    /**
     * A ring keeping the last {@code capacity} bytes written, or fewer: it grows only as far as
     * {@code memory} allows, and keeps the size it has when refused.
     */
    public RingBuffer(int capacity, TailMemory memory) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.memory = memory;
    }

    /** The most bytes this ring will hold: lower than asked for once memory refused it more. */
    public synchronized int capacity() {
        return capacity;
    }

    /**
     * Gives this ring's memory back: it stays readable, and late output still reaches it, but it no
     * longer grows past {@link TailMemory#FLOOR_BYTES}, which is then not counted. Idempotent.
     */
    public synchronized void release() {
        if (!released) {
            released = true;
            memory.release(buf.length);
        }
    }

    // Caller holds the lock.
    private void ensureRoomFor(int len) {
        long needed = Math.min(capacity, total + len);
        if (buf.length >= needed) {
            return;
        }
        int wanted = (int) Math.min(capacity, Math.max(needed, Math.max(256, 2L * buf.length)));
        int size = released ? Math.max(buf.length, Math.min(wanted, TailMemory.FLOOR_BYTES)) : memory.grant(buf.length, wanted);
        if (size > buf.length) {
            buf = java.util.Arrays.copyOf(buf, size);
        }
        if (buf.length < needed) {
            capacity = buf.length; // refused: from now on this ring wraps at the size it has
        }
    }

    /** Appends {@code len} bytes, overwriting the oldest ones when full. */
    public void write(byte[] src, int off, int len) {
        write(ByteBuffer.wrap(src, off, len)); // throws IndexOutOfBoundsException for bad offsets
    }

    /**
     * Appends the remaining bytes of {@code src}, overwriting the oldest ones when full. The position
     * of {@code src} is left as it was, so the caller can hand the same bytes on.
     *
     * @return {@link #total()} after this write: the position just past these bytes
     */
    public long write(ByteBuffer src) {
        int off = src.position();
        int len = src.remaining();
        synchronized (this) {
            ensureRoomFor(len);
            int cap = capacity;
            long lost = total + len - cap - 1; // the last byte this write leaves unheld, if any
            // An empty write leaves nothing newly unheld: that byte went long ago, and its slot holds another now.
            if (len > 0 && lost >= total) {
                lostEndsLine = src.get(off + (int) (lost - total)) == '\n';
            } else if (len > 0 && lost >= 0) {
                lostEndsLine = buf[(int) (lost % cap)] == '\n';
            }
            if (len > cap) {
                // Only the last cap bytes can survive; skipping the rest keeps positions exact.
                total += len - cap;
                off += len - cap;
                len = cap;
            }
            int at = (int) (total % cap);
            int first = Math.min(len, cap - at);
            src.get(off, buf, at, first);
            src.get(off + first, buf, 0, len - first);
            total += len;
            return total;
        }
    }

    /** Bytes ever written, including those already overwritten: the position of the next byte. */
    public synchronized long total() {
        return total;
    }

    /** Bytes currently held: {@code min(total(), capacity())}. */
    public synchronized int size() {
        return (int) Math.min(total, capacity);
    }

    /** The last {@code min(maxBytes, size())} bytes; empty when {@code maxBytes <= 0}. */
    public synchronized byte[] tail(int maxBytes) {
        int n = Math.min(Math.max(maxBytes, 0), size());
        return copy(total - n, n);
    }

    /**
     * The bytes at or after absolute {@code position} that are still held: all held bytes when
     * {@code position} has already been overwritten, none when it is at or past {@link #total()}.
     * A follower that may fall behind should use {@link #read(long)} to learn where the returned
     * bytes start.
     */
    public byte[] since(long position) {
        return read(position).bytes();
    }

    /** Like {@link #since(long)}, with the absolute position the returned bytes start at. */
    public Slice read(long position) {
        return read(position, Long.MAX_VALUE);
    }

    /** Like {@link #read(long)}, ending before absolute position {@code end} (or at what has been written). */
    public synchronized Slice read(long position, long end) {
        long oldest = total - size();
        long start = Math.min(Math.max(position, oldest), total);
        long stop = Math.min(Math.max(end, start), total);
        boolean startsLine = start == 0 || (start > oldest ? buf[(int) ((start - 1) % capacity)] == '\n' : lostEndsLine);
        return new Slice(start, copy(start, (int) (stop - start)), startsLine);
    }

    // Caller holds the lock; [from, from + n) lies within the held bytes.
    private byte[] copy(long from, int n) {
        if (n == 0) {
            return EMPTY;
        }
        int cap = capacity;
        byte[] out = new byte[n];
        int at = (int) (from % cap);
        int first = Math.min(n, cap - at);
        System.arraycopy(buf, at, out, 0, first);
        System.arraycopy(buf, 0, out, first, n - first);
        return out;
    }
}
