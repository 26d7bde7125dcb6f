package dev.steward.logs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The daemon's own stdout and stderr, for a log path that names them ({@code /dev/stdout}, {@code /dev/fd/1},
 * {@code /proc/self/fd/1}, and the same with 2 for stderr): written through the descriptors the daemon already has,
 * never opened again. Opening {@code /dev/stdout} anew fails where it is a socket (systemd's journal: "No such device
 * or address") or a pipe that another user made (a container's, for a daemon that is not root: "Permission
 * denied"), and then a container's or a service's output would be lost, in the very setups that path is written for.
 * The channels are shared and never closed: closing one would close the daemon's own stdout.
 */
final class DaemonStreams {
    private static final FileChannel OUT = new FileOutputStream(FileDescriptor.out).getChannel();
    private static final FileChannel ERR = new FileOutputStream(FileDescriptor.err).getChannel();

    private DaemonStreams() {
    }

    /** The daemon's stream that {@code file} names, or null when it names a file to open. */
    static FileChannel named(Path file) {
        return switch (file.normalize().toString()) {
            case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" -> OUT;
            case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2" -> ERR;
            default -> null;
        };
    }

    /** Whether {@code channel} is one of the daemon's streams, which must stay open. */
    static boolean isDaemonStream(FileChannel channel) {
        return channel == OUT || channel == ERR;
    }
}
