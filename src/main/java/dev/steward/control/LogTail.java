package dev.steward.control;

import dev.steward.logs.LogSink;
import dev.steward.logs.RingBuffer;

import java.util.Optional;

/**
 * What the API reads of a process stream's sink: its in-memory tail (for tail and follow), and what the run before
 * the latest one wrote. Only the reading side: writing is the pipe reader's.
 */
public final class LogTail {
    private final LogSink sink;

    public LogTail(LogSink sink) {
        this.sink = sink;
    }

    public RingBuffer ring() {
        return sink.ring();
    }

    /** What the run before the latest one wrote; empty when there was none. */
    public Optional<LogSink.RunOutput> previousRun() {
        return sink.previousRun();
    }
}
