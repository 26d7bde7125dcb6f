package dev.steward.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The daemon's own files in its state directory, each replaced whole, so that a reader finds the old text or the new. */
final class StateFiles {
    private StateFiles() {
    }

    /**
     * Writes {@code text} to {@code .NAME.tmp} beside {@code file}, then renames it over {@code file}. A write that
     * fails (a full disk) leaves no half-written temporary file behind. The file is rw-r--r-- at most, whatever the
     * umask: under {@code umask 000} another user could write the operator's stops, or the list of children that the
     * next daemon stops.
     */
    static void replace(Path file, CharSequence text) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temp); // one a crash left keeps the mode it was made with
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            Files.writeString(temp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
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
