package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every child's output pipes on one thread with {@code poll(2)} and hands each chunk to its
 * sink, in order. The supervision owner never touches the bytes.
 */
final class PipeReader {
    private static final int CHUNK = 256 * 1024;
    private static final int PIPE_SIZE = 1024 * 1024;
    private final Object lock = new Object();
    private final Map<Integer, OutputSink> pending = new LinkedHashMap<>();
    private final int[] wakeup = new int[2];
    private boolean started;

    /** Starts reading {@code fd} (a pipe's read end, owned from now on by this reader) into {@code sink}. */
    void add(int fd, OutputSink sink) {
        // A larger pipe lets a fast writer run ahead while we write to disk; refused sizes are harmless.
        LibC.C.fcntl(fd, LibC.F_SETPIPE_SZ, PIPE_SIZE);
        LibC.C.fcntl(fd, LibC.F_SETFL, LibC.C.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
        synchronized (lock) {
            startIfNeeded();
            pending.put(fd, sink);
        }
        LibC.C.write(wakeup[1], new byte[] {1}, 1);
    }

    private void startIfNeeded() {
        if (started) {
            return;
        }
        if (LibC.C.pipe2(wakeup, LibC.O_CLOEXEC | LibC.O_NONBLOCK) != 0) {
            throw new IllegalStateException("pipe2 failed: " + LibC.C.strerror(Native.getLastError()));
        }
        started = true;
        Thread thread = new Thread(null, this::readForever, "steward-pipes", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    private void readForever() {
        Memory buffer = new Memory(CHUNK);
        byte[] bytes = new byte[CHUNK];
        List<Integer> fds = new ArrayList<>();
        List<OutputSink> sinks = new ArrayList<>();
        Memory pollFds = new Memory(8);
        while (true) {
            synchronized (lock) {
                pending.forEach((fd, sink) -> {
                    fds.add(fd);
                    sinks.add(sink);
                });
                pending.clear();
            }
            int count = fds.size() + 1;
            if (pollFds.size() < count * 8L) {
                pollFds = new Memory(Math.max(count, 64) * 16L);
            }
            // struct pollfd { int fd; short events; short revents; }: 8 bytes on every Linux ABI.
            pollFds.setInt(0, wakeup[0]);
            pollFds.setShort(4, LibC.POLLIN);
            pollFds.setShort(6, (short) 0);
            for (int i = 0; i < fds.size(); i++) {
                pollFds.setInt((i + 1) * 8L, fds.get(i));
                pollFds.setShort((i + 1) * 8L + 4, LibC.POLLIN);
                pollFds.setShort((i + 1) * 8L + 6, (short) 0);
            }
            if (LibC.C.poll(pollFds, count, -1) < 0) {
                continue; // EINTR
            }
            if (pollFds.getShort(6) != 0) {
                while (LibC.C.read(wakeup[0], buffer, CHUNK) > 0) {
                    // drain wakeups; the new fds are picked up at the top of the loop
                }
            }
            for (int i = fds.size() - 1; i >= 0; i--) {
                if (pollFds.getShort((i + 1) * 8L + 6) == 0) {
                    continue;
                }
                int fd = fds.get(i);
                long n = LibC.C.read(fd, buffer, CHUNK);
                if (n > 0) {
                    buffer.read(0, bytes, 0, (int) n);
                    sinks.get(i).write(bytes, 0, (int) n);
                } else if (n == 0 || Native.getLastError() != LibC.EAGAIN) {
                    // EOF: every writer (the child and any grandchild holding the pipe) has gone.
                    LibC.C.close(fd);
                    fds.remove(i);
                    sinks.remove(i);
                }
            }
        }
    }
}
