package dev.steward.supervise;

import java.nio.ByteBuffer;

/** Receives a child's output, on the pipe-reading thread, in order. */
@FunctionalInterface
public interface OutputSink {
    /** Takes the remaining bytes of {@code chunk}, a buffer that is reused once this returns. */
    void write(ByteBuffer chunk);

    /** The pipe has ended: the child and every process that shared its output have gone. Nothing is written after. */
    default void ended() {
    }
}
