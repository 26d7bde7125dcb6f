package dev.steward.supervise;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** {@code spec.directory} looked at before a spawn, so that one the child could not start in is a spawn error. */
final class WorkingDirectory {
    private WorkingDirectory() {
    }

    /**
     * Refuses a working directory the child could not start in, saying which it is: missing, not a directory, or not
     * to be entered by the daemon's user (whose chdir would fail, and posix_spawn then blame the command).
     */
    static void check(Path directory) throws SpawnException {
        String relative = directory.isAbsolute() ? ""
                : " (a relative path is taken from the daemon's working directory, " + Path.of("").toAbsolutePath() + ")";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(directory, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new SpawnException("working directory " + directory + " does not exist" + relative
                    + "; create it or fix spec.directory");
        } catch (AccessDeniedException e) {
            throw new SpawnException("working directory " + directory + relative + " cannot be reached by the daemon's"
                    + " user (uid " + LibC.geteuid() + "): a directory above it does not let it search (x); fix the"
                    + " permissions or spec.directory");
        } catch (IOException e) {
            throw new SpawnException("working directory " + directory + relative + " cannot be used: "
                    + (e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString())
                    + "; fix spec.directory");
        }
        if (!attributes.isDirectory()) {
            throw new SpawnException("working directory " + directory + relative + " is not a directory; fix spec.directory");
        }
        if (!Files.isExecutable(directory)) {
            throw new SpawnException("working directory " + directory + relative + " cannot be entered by the daemon's"
                    + " user (uid " + LibC.geteuid() + "): it does not let it search (x); fix its permissions or spec.directory");
        }
    }
}
