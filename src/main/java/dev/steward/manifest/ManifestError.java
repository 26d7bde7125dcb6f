package dev.steward.manifest;

import java.nio.file.Path;

/**
 * Why a manifest file was rejected, pointing at the exact place.
 *
 * @param file    the manifest file
 * @param line    1-based line, 0 when unknown (unreadable file)
 * @param column  1-based column, 0 when unknown
 * @param field   field path such as {@code spec.logs.stdout.maxBytes}, empty for document-level errors
 * @param message what is wrong and what to do about it
 */
public record ManifestError(Path file, int line, int column, String field, String message) {

    /** {@code manifests/web.yaml:7:14: spec.replicas: must be 0 or more; ...}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file.toString());
        if (line > 0) {
            text.append(':').append(line).append(':').append(column);
        }
        text.append(": ");
        if (!field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString();
    }
}
