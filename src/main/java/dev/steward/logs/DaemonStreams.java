package dev.steward.logs;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * The daemon's own stdout and stderr, for a log path that names them ({@code /dev/stdout}, {@code /dev/fd/1},
 * {@code /proc/self/fd/1}, {@code /proc/<the daemon's pid>/fd/1}, and the same with 2 for stderr): written through the
 * descriptors the daemon already has, never opened again. Opening {@code /dev/stdout} anew fails where it is a socket
 * (systemd's journal: "No such device or address") or a pipe that another user made (a container's, for a daemon that
 * is not root: "Permission denied"), and then a container's or a service's output would be lost, in the very setups
 * that path is written for.
 */
public final class DaemonStreams {
    private static final Stream OUT = new Stream(new FileOutputStream(FileDescriptor.out));
    private static final Stream ERR = new Stream(new FileOutputStream(FileDescriptor.err));
    private static final String OWN_FD = "/proc/" + ProcessHandle.current().pid() + "/fd/";

    private DaemonStreams() {
    }

    /**
     * Runs {@code write}, which writes the daemon's own lines ({@code Console}) to {@code System.out} and flushes them,
     * holding the lock under which the programs' {@code file: /dev/stdout} output is written: neither cuts the other's
     * lines. They go through {@code System.out} still, which a test runner replaces to collect them.
     */
    public static void holdingStdout(Runnable write) {
        synchronized (OUT) {
            write.run();
        }
    }

    /** The daemon's stream that {@code file} names, or null when it names a file to open. */
    static WritableByteChannel named(Path file) {
        String path = file.normalize().toString();
        if (path.startsWith(OWN_FD)) { // /proc/1/fd/1 in a container whose main process is the daemon
            path = "/proc/self/fd/" + path.substring(OWN_FD.length());
        }
        return switch (path) {
            case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" -> OUT;
            case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2" -> ERR;
            default -> null;
        };
    }

    /** One name for each of the daemon's streams, so that every path naming it shares one writer; else {@code file}. */
    static Path canonical(Path file) {
        WritableByteChannel stream = named(file);
        return stream == OUT ? Path.of("/dev/stdout") : stream == ERR ? Path.of("/dev/stderr") : file;
    }

    /**
     * Writes through a {@link FileOutputStream}, whose writes an interrupt does not break off: a {@code FileChannel}
     * closes itself, and with it the daemon's own stdout for good, when a thread writing to it is interrupted. Each
     * call is one write, of all its buffers together (a line held back and the chunk that ends it), under this
     * stream's lock, which the daemon's own lines take too. Never closed: the daemon's stream outlives every log file
     * that names it.
     */
    private static final class Stream implements GatheringByteChannel {
        private final FileOutputStream out;
        private byte[] buffer = new byte[8 * 1024]; // grows to the largest write: a pipe reader's chunk and a held line

        Stream(FileOutputStream out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            return (int) write(new ByteBuffer[] {source}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] sources) throws IOException {
            return write(sources, 0, sources.length);
        }

        @Override
        public synchronized long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            int total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += sources[i].remaining();
            }
            if (buffer.length < total) {
                buffer = new byte[total];
            }
            int at = 0;
            for (int i = offset; i < offset + length; i++) {
                int remaining = sources[i].remaining();
                sources[i].get(buffer, at, remaining);
                at += remaining;
            }
            out.write(buffer, 0, total);
            return total;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // the daemon's own stdout or stderr stays open
        }
    }
}
