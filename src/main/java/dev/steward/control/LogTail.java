package dev.steward.control;

import dev.steward.logs.LogFiles;
import dev.steward.logs.LogSink;
import dev.steward.logs.RingBuffer;

import java.io.IOException;
import java.util.Optional;

/**
 * What the API reads of a process stream's sink: its in-memory tail (for tail and follow), its log files (for more
 * than the tail holds), and what the run before the latest one wrote. Only the reading side: writing is the pipe reader's.
 */
public final class LogTail {
    private final LogSink sink;

    public LogTail(LogSink sink) {
        this.sink = sink;
    }

    public RingBuffer ring() {
        return sink.ring();
    }

    /** The log files as they are now, for what the ring no longer (or never) held; empty without a plain file. */
    public Optional<LogFiles> files() throws IOException {
        return sink.files();
    }

    /**
     * The log files as they are now, with the offset in them of ring position {@code position}, when they hold it and
     * something after it; empty without a plain file or when they do not. The caller closes the files.
     */
    public Optional<FilesFrom> filesFrom(long position) throws IOException {
        Optional<LogFiles> snapshot = files();
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        LogFiles files = snapshot.get();
        long offset = files.offsetOf(position);
        if (offset < 0 || files.streamEnd() <= position) {
            files.close();
            return Optional.empty();
        }
        return Optional.of(new FilesFrom(files, offset));
    }

    /** The log files, and the offset in them a reading starts at. */
    public record FilesFrom(LogFiles files, long offset) {
    }

    /** What the run before the latest one wrote; empty when there was none. */
    public Optional<LogSink.RunOutput> previousRun() {
        return sink.previousRun();
    }
}
