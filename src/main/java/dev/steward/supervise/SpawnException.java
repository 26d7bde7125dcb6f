package dev.steward.supervise;

/** A child could not be started; the message names the command and says what to fix. */
public class SpawnException extends Exception {
    public SpawnException(String message) {
        super(message);
    }
}
