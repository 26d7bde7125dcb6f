package dev.steward.control;

/**
 * The daemon cannot take an action now: it is still starting, or it is shutting down. The API answers 503
 * with the message, which says what to do.
 */
public final class DaemonUnavailableException extends RuntimeException {
    public DaemonUnavailableException(String message) {
        super(message, null, false, false); // an answer, not a failure: no stack trace needed
    }
}
