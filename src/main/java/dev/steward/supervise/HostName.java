package dev.steward.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The machine's name, as uname's nodename: supervisord's {@code host_node_name}, and a name the API answers to. */
public final class HostName {
    private static final Path FILE = Path.of("/proc/sys/kernel/hostname");

    private HostName() {
    }

    /** The name as the kernel has it; empty when it cannot be read (not Linux). */
    public static Optional<String> read() {
        try {
            return Optional.of(Files.readString(FILE, StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
