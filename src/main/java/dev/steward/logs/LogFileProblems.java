package dev.steward.logs;

import java.nio.file.Path;

/**
 * Told when a log file cannot be written (once, until it can again) and when it is written again: the daemon says so
 * in its own log, where an operator looks, besides the process's {@code logError} that {@code describe} shows.
 * Called by the thread that writes, holding the file's lock: it must not block for long nor write log files.
 */
public interface LogFileProblems {
    /** Says nothing. */
    LogFileProblems NONE = new LogFileProblems() {
        @Override
        public void cannotWrite(String message) {
        }

        @Override
        public void writtenAgain(Path file) {
        }
    };

    /** The file's first failed write since it was last written: {@code message} says what failed and what to do. */
    void cannotWrite(String message);

    /** The file, which could not be written, was written again. */
    void writtenAgain(Path file);
}
