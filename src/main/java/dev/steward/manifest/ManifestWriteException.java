package dev.steward.manifest;

/**
 * The manifest directory could not be written (permissions, a read-only or full file system): a problem
 * of the machine, not of the request or of Steward. The message names the file and says what to check;
 * the files are as they were, since every edit is a temp file renamed into place.
 */
public final class ManifestWriteException extends RuntimeException {
    public ManifestWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
