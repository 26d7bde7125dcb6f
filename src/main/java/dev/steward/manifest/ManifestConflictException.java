package dev.steward.manifest;

/**
 * A manifest change that cannot be made by editing the files safely, such as adding a field to a
 * mapping written in flow style or editing a file that is not valid YAML. The message says why and
 * what to do instead; nothing has been written.
 */
public final class ManifestConflictException extends RuntimeException {
    public ManifestConflictException(String message) {
        super(message);
    }
}
