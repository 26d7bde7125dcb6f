package dev.steward.control;

import dev.steward.logs.RingBuffer;

import java.nio.file.Path;
import java.util.Optional;

/** A process stream's in-memory tail (for tail and follow) and its file, if any. */
public record LogTail(RingBuffer ring, Optional<Path> file) {
}
