package dev.steward.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** One field of a {@code /proc/PID/status} file ({@code SigIgn}, {@code Umask}, ...), as Linux words it. */
public final class ProcStatus {
    /** This process's own. */
    public static final Path SELF = Path.of("/proc/self/status");

    private ProcStatus() {
    }

    /** The value of the line {@code name:}, trimmed; empty when the file or the line is not there (not Linux). */
    public static Optional<String> field(Path status, String name) {
        String prefix = name + ":";
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(prefix)) {
                    return Optional.of(line.substring(prefix.length()).strip());
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return Optional.empty();
    }
}
