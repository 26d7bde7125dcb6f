package dev.steward.supervise;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads every child's output pipes on one thread with {@code poll(2)} and hands each chunk to its
 * sink, in order. The supervision owner never touches the bytes.
 *
 * <p>A pipe read twice within {@link #REST_NANOS}, the second time for only a little output, rests
 * for {@link #REST_NANOS} before it is polled again. A reader waiting in poll is woken by every
 * write(2) into the pipe, which costs a writer of many small lines a wakeup (and, on a small
 * machine, often a context switch) per line; a resting pipe collects the lines and gives them in
 * one read. So output that follows other output that closely reaches the sinks up to
 * {@link #REST_NANOS} late; occasional output is read at once. A pipe giving large reads never
 * rests: a writer filling the pipe that fast would be held up by it.
 */
final class PipeReader {
    // 128 KiB reads measured faster than 256 KiB (and 64 KiB) ones: the buffer stays in the CPU's cache.
    static final int CHUNK = 128 * 1024;
    private static final int PIPE_SIZE = 1024 * 1024;
    private static final long REST_NANOS = 1_000_000;
    // A writer of 16 KiB per millisecond is far from filling a 1 MiB pipe while it rests.
    private static final int REST_BELOW = 16 * 1024;
    private static final int POLLFD = 8; // struct pollfd { int fd; short events; short revents; } on every Linux ABI

    private static final byte[] WAKEUP = {1};

    private final Object lock = new Object();
    private final Map<Integer, OutputSink> pending = new LinkedHashMap<>();
    private final int[] wakeup = new int[2];
    private boolean started;

    /** Starts reading {@code fd} (a pipe's read end, owned from now on by this reader) into {@code sink}. */
    void add(int fd, OutputSink sink) {
        boolean wake;
        synchronized (lock) {
            startIfNeeded();
            wake = pending.isEmpty(); // otherwise a wakeup is already on its way for the pending pipes
            pending.put(fd, sink);
        }
        if (wake) {
            LibC.write(wakeup[1], WAKEUP, 1);
        }
    }

    private void startIfNeeded() {
        if (started) {
            return;
        }
        if (LibC.pipe2(wakeup, LibC.O_CLOEXEC | LibC.O_NONBLOCK) != 0) {
            throw new IllegalStateException("pipe2 failed: " + LibC.strerror(Native.getLastError()));
        }
        started = true;
        Thread thread = new Thread(null, new Loop(wakeup[0])::run, "steward-pipes", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The reading thread's state: pipe i is fds[i], its sink sinks[i], and pollfd entry i + 1, whose fd
     * is -1 while the pipe rests (poll(2) skips negative fds).
     */
    private final class Loop {
        // Direct buffers: the kernel reads into them and FileChannel writes from them without a copy.
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        private final Pointer bufferAddress = Native.getDirectBufferPointer(buffer);
        private ByteBuffer pollFds = pollFds(64);
        private Pointer pollAddress = Native.getDirectBufferPointer(pollFds);
        private final ByteBuffer timeout = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        private final Pointer timeoutAddress = Native.getDirectBufferPointer(timeout);
        private int[] fds = new int[64];
        private OutputSink[] sinks = new OutputSink[64];
        private long[] restUntil = new long[64]; // System.nanoTime() at which a resting pipe is polled again
        private long[] lastRead = new long[64];
        private int count;
        private int restingCount;

        Loop(int wakeupFd) {
            setEntry(0, wakeupFd);
        }

        void run() {
            while (true) {
                addPending();
                long waitNanos = wakeRested();
                if (LibC.ppoll(pollAddress, count + 1, waitNanos < 0 ? Pointer.NULL : timeout(waitNanos), Pointer.NULL) < 0) {
                    continue; // EINTR
                }
                if (revents(0) != 0) {
                    while (LibC.read(pollFds.getInt(0), bufferAddress, CHUNK) > 0) {
                        // drain wakeups; the new fds are picked up at the top of the loop
                    }
                }
                long now = System.nanoTime();
                // Backwards, as remove() moves the last pipe (already handled) into the gap.
                for (int i = count - 1; i >= 0; i--) {
                    if (revents(i + 1) == 0) {
                        continue;
                    }
                    long n = LibC.read(fds[i], bufferAddress, CHUNK);
                    if (n > 0) {
                        buffer.clear().limit((int) n);
                        sinks[i].write(buffer);
                        if (n < REST_BELOW && now - lastRead[i] < REST_NANOS) {
                            rest(i, now + REST_NANOS);
                        }
                        lastRead[i] = now;
                    } else if (n == 0 || Native.getLastError() != LibC.EAGAIN) {
                        // EOF: every writer (the child and any grandchild holding the pipe) has gone.
                        LibC.close(fds[i]);
                        remove(i);
                    }
                }
            }
        }

        private void addPending() {
            synchronized (lock) {
                pending.forEach((fd, sink) -> {
                    // Here rather than in add(), which runs on the owner at every spawn. A larger pipe lets
                    // a fast writer run ahead while we write to disk; refused sizes are harmless.
                    LibC.fcntl(fd, LibC.F_SETPIPE_SZ, PIPE_SIZE);
                    LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
                    if (count == fds.length) {
                        grow();
                    }
                    fds[count] = fd;
                    sinks[count] = sink;
                    lastRead[count] = System.nanoTime() - REST_NANOS; // a first read is never a quick second one
                    setEntry(count + 1, fd);
                    count++;
                });
                pending.clear();
            }
        }

        /** Puts pipes whose rest is over back into the poll set; the nanoseconds until the next one is, or -1. */
        private long wakeRested() {
            if (restingCount == 0) {
                return -1;
            }
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                if (!resting(i)) {
                    continue;
                }
                long left = restUntil[i] - now;
                if (left <= 0) {
                    restingCount--;
                    pollFds.putInt((i + 1) * POLLFD, fds[i]);
                } else {
                    next = Math.min(next, left);
                }
            }
            return restingCount == 0 ? -1 : next;
        }

        private void rest(int i, long until) {
            restUntil[i] = until;
            restingCount++;
            pollFds.putInt((i + 1) * POLLFD, -1);
        }

        private boolean resting(int i) {
            return pollFds.getInt((i + 1) * POLLFD) < 0;
        }

        private void remove(int i) {
            if (resting(i)) {
                restingCount--;
            }
            int last = --count;
            fds[i] = fds[last];
            sinks[i] = sinks[last];
            restUntil[i] = restUntil[last];
            lastRead[i] = lastRead[last];
            pollFds.putLong((i + 1) * POLLFD, pollFds.getLong((last + 1) * POLLFD));
            sinks[last] = null;
        }

        private void grow() {
            int size = fds.length * 2;
            fds = Arrays.copyOf(fds, size);
            sinks = Arrays.copyOf(sinks, size);
            restUntil = Arrays.copyOf(restUntil, size);
            lastRead = Arrays.copyOf(lastRead, size);
            ByteBuffer bigger = pollFds(size);
            bigger.put(pollFds.clear());
            pollFds = bigger;
            pollAddress = Native.getDirectBufferPointer(pollFds);
        }

        private void setEntry(int entry, int fd) {
            pollFds.putInt(entry * POLLFD, fd);
            pollFds.putShort(entry * POLLFD + 4, LibC.POLLIN);
            pollFds.putShort(entry * POLLFD + 6, (short) 0);
        }

        private short revents(int entry) {
            return pollFds.getShort(entry * POLLFD + 6);
        }

        private Pointer timeout(long nanos) {
            timeout.putLong(0, nanos / 1_000_000_000L); // struct timespec { long tv_sec; long tv_nsec; }
            timeout.putLong(8, nanos % 1_000_000_000L);
            return timeoutAddress;
        }
    }

    private static ByteBuffer pollFds(int pipes) {
        return ByteBuffer.allocateDirect((pipes + 1) * POLLFD).order(ByteOrder.nativeOrder());
    }
}
