package dev.steward.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The daemon's own files in its state directory, each replaced whole, so that a reader finds the old text or the new. */
final class StateFiles {
    private StateFiles() {
    }

    /**
     * Writes {@code text} to {@code .NAME.tmp} beside {@code file}, then renames it over {@code file}. A write that
     * fails (a full disk) leaves no half-written temporary file behind.
     */
    static void replace(Path file, CharSequence text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }
}
