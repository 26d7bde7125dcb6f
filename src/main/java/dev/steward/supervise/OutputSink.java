package dev.steward.supervise;

/** Receives a child's output, on the pipe-reading thread, in order. */
@FunctionalInterface
public interface OutputSink {
    void write(byte[] buffer, int offset, int length);
}
