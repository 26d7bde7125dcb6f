package dev.steward.cli;

import java.util.List;

/**
 * Ends a command with an exit code and a message for stderr ({@code error: <message>}), followed by
 * {@code details} lines (one per manifest error).
 */
public class CliException extends RuntimeException {
    private final int exitCode;
    private final List<String> details;

    public CliException(int exitCode, String message) {
        this(exitCode, message, List.of());
    }

    public CliException(int exitCode, String message, List<String> details) {
        super(message);
        this.exitCode = exitCode;
        this.details = List.copyOf(details);
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> details() {
        return details;
    }
}
