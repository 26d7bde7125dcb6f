package dev.steward.control;

import dev.steward.logs.LogSink;
import dev.steward.logs.RingBuffer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A process stream's in-memory tail (for tail and follow), its file, if any, and what the run before the
 * latest one wrote (empty when there was none).
 */
public record LogTail(RingBuffer ring, Optional<Path> file, Supplier<Optional<LogSink.RunOutput>> previousRun) {
}
