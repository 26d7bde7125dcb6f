package dev.steward.logs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How much memory the in-memory tails of all streams may take together. Each stream's ring grows
 * on demand up to {@link LogSink#RING_BYTES}; without a shared bound, a thousand chatty programs
 * (two streams each) would want 128 MiB of tails and run the daemon out of heap, which stops
 * supervision for all of them. Past the limit a ring keeps the size it has, but any ring may still
 * grow to {@link #FLOOR_BYTES}, so that every stream shows its last lines.
 *
 * <p>Rings grow on the pipe thread and are released on the owner thread, hence the atomic.
 */
public final class TailMemory {

    /** What a ring may always grow to, limit or not: a few dozen lines. */
    public static final int FLOOR_BYTES = 4 * 1024;

    private final long limit;
    private final AtomicLong taken = new AtomicLong();

    public TailMemory(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit: " + limit);
        }
        this.limit = limit;
    }

    /** No limit: for a sink used on its own (tests, tools). */
    public static TailMemory unlimited() {
        return new TailMemory(Long.MAX_VALUE);
    }

    /**
     * A quarter of this JVM's heap limit: 24 MiB under the launcher's {@code -Xmx96m}, 384 full tails
     * of 64 KiB. Raising the daemon's heap ({@code STEWARD_JAVA_OPTS=-Xmx256m}) raises it.
     */
    public static TailMemory quarterOfHeap() {
        return new TailMemory(Runtime.getRuntime().maxMemory() / 4);
    }

    /** Bytes held by the rings now. */
    public long taken() {
        return taken.get();
    }

    /**
     * The size a ring holding {@code from} bytes may grow to when it asks for {@code wanted}, counted as taken:
     * all of it while the total stays within the limit, and otherwise the floor, or {@code from} when it already
     * holds more.
     */
    int grant(int from, int wanted) {
        if (wanted > FLOOR_BYTES) {
            long now;
            do {
                now = taken.get();
                if (now + wanted - from > limit) {
                    int size = Math.max(from, FLOOR_BYTES);
                    taken.addAndGet(size - from);
                    return size;
                }
            } while (!taken.compareAndSet(now, now + wanted - from));
            return wanted;
        }
        taken.addAndGet(wanted - from);
        return wanted;
    }

    /** Gives back a released ring's bytes. */
    void release(int bytes) {
        taken.addAndGet(-bytes);
    }
}
