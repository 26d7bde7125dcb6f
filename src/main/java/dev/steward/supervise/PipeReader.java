package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads every child's output pipes on one thread with {@code epoll(7)} and hands each chunk to its
 * sink, in order. The supervision owner never touches the bytes: it only registers a new pipe with
 * the epoll set, which needs no wakeup of the reading thread, and a wakeup costs the reader nothing
 * per idle pipe (poll(2) walked every pipe at every wakeup, so a cold start of n programs cost n²).
 *
 * <p>A pipe read twice within {@link #REST_NANOS}, the second time for only a little output, rests
 * for {@link #REST_NANOS} (it leaves the epoll set) before it is read again. A reader waiting in
 * epoll is woken by every write(2) into the pipe, which costs a writer of many small lines a
 * wakeup (and, on a small machine, often a context switch) per line; a resting pipe collects the
 * lines and gives them in one read. So output that follows other output that closely reaches the
 * sinks up to about {@link #REST_NANOS} late; occasional output is read at once. Large reads do not
 * start a rest, and a pipe that filled up during one goes back to the set: a writer that fast would
 * be held up by resting. When a rest ends, the pipe is read without rejoining the set, and rests again
 * while its writer keeps writing. Only a pipe that got {@link #PIPE_SIZE} and non-blocking reads ever
 * rests: a smaller one fills up within a rest, and a blocking one could stall the reader.
 */
final class PipeReader {
    // 128 KiB reads measured faster than 256 KiB (and 64 KiB) ones: the buffer stays in the CPU's cache.
    static final int CHUNK = 128 * 1024;
    private static final int PIPE_SIZE = 1024 * 1024;
    private static final long REST_NANOS = 1_000_000;
    // A writer of 16 KiB per millisecond is far from filling a 1 MiB pipe while it rests.
    private static final int REST_BELOW = 16 * 1024;
    // A pipe whose rest ends is read directly, at most its size (it may rest only at PIPE_SIZE) in chunks.
    private static final int DRAIN_CHUNKS = PIPE_SIZE / CHUNK;
    private static final int MAX_EVENTS = 256;
    // struct epoll_event { uint32_t events; epoll_data_t data; } is packed on x86 (12 bytes), aligned elsewhere.
    // From os.arch rather than JNA's Platform: the daemon's main thread builds this reader and must not wait
    // for JNA to load, which the owner thread does meanwhile.
    private static final boolean X86 = System.getProperty("os.arch").matches("amd64|x86_64|x86|i[3-6]86");
    private static final int EVENT_SIZE = X86 ? 12 : 16;
    private static final int DATA_OFFSET = X86 ? 4 : 8;

    /**
     * Whether a pipe may rest, from the results of fcntl F_SETPIPE_SZ (the pipe's new size, or -1) and F_SETFL
     * (0, or -1): only a pipe that holds a rest's worth of fast output, and whose reads cannot block the reader.
     */
    static boolean restsAllowed(int pipeSizeResult, int nonBlockingResult) {
        return pipeSizeResult >= PIPE_SIZE && nonBlockingResult == 0;
    }

    private final Object lock = new Object();
    private final List<Entry> pending = new ArrayList<>(); // guarded by lock
    private Memory ownerEvent; // add()'s epoll_event, guarded by lock
    private int epoll = -1; // guarded by lock until the reading thread starts; never changes afterwards

    /**
     * Starts reading {@code fd} (a pipe's read end, owned from now on by this reader, which closes it at EOF)
     * into {@code sink}.
     *
     * @throws SpawnException when the pipe cannot join the epoll set; {@code fd} is then still the caller's
     */
    void add(int fd, OutputSink sink) throws SpawnException {
        synchronized (lock) {
            startIfNeeded();
            // Listed before it joins the set: the reader looks at this list before it reads a ready pipe.
            Entry entry = new Entry(fd, sink);
            pending.add(entry);
            if (control(epoll, LibC.EPOLL_CTL_ADD, fd, ownerEvent) != 0) {
                pending.remove(entry);
                throw new SpawnException("cannot read the program's output: epoll_ctl failed ("
                        + LibC.strerror(Native.getLastError()) + "); the daemon may be out of memory or of epoll"
                        + " watches (raise fs.epoll.max_user_watches)");
            }
        }
    }

    private void startIfNeeded() {
        if (epoll >= 0) {
            return;
        }
        ownerEvent = new Memory(EVENT_SIZE);
        epoll = LibC.epoll_create1(LibC.O_CLOEXEC);
        if (epoll < 0) {
            throw new IllegalStateException("epoll_create1 failed: " + LibC.strerror(Native.getLastError()));
        }
        Thread thread = new Thread(null, new Loop(epoll)::run, "steward-pipes", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /** epoll_ctl with an event for reading, whose data is the descriptor itself. */
    private static int control(int epoll, int operation, int fd, Pointer event) {
        event.setInt(0, LibC.EPOLLIN);
        event.setLong(DATA_OFFSET, fd);
        return LibC.epoll_ctl(epoll, operation, fd, event);
    }

    /** One pipe being read. */
    private static final class Entry {
        final int fd;
        final OutputSink sink;
        long lastRead = System.nanoTime() - REST_NANOS; // a first read is never a quick second one
        long restUntil; // System.nanoTime() at which a resting pipe is read again
        boolean mayRest; // set once the pipe holds PIPE_SIZE and reads from it do not block

        Entry(int fd, OutputSink sink) {
            this.fd = fd;
            this.sink = sink;
        }
    }

    /** The reading thread's state: the pipes by descriptor, and the resting ones in the order their rest ends. */
    private final class Loop {
        private final int epoll;
        // Direct buffers: the kernel reads into them and FileChannel writes from them without a copy.
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        private final Pointer bufferAddress = Native.getDirectBufferPointer(buffer);
        private final ByteBuffer events = ByteBuffer.allocateDirect(MAX_EVENTS * EVENT_SIZE).order(ByteOrder.nativeOrder());
        private final Pointer eventsAddress = Native.getDirectBufferPointer(events);
        private final Memory event = new Memory(EVENT_SIZE);
        private final ByteBuffer timeout = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder());
        private final Pointer timeoutAddress = Native.getDirectBufferPointer(timeout);
        private boolean nanoTimeouts = true;
        private Entry[] byFd = new Entry[256];
        // Every rest is REST_NANOS long, so the order of going to rest is the order of waking.
        private final ArrayDeque<Entry> resting = new ArrayDeque<>();

        Loop(int epoll) {
            this.epoll = epoll;
        }

        void run() {
            while (true) {
                int ready = await(wakeRested());
                addPending();
                long now = System.nanoTime();
                for (int k = 0; k < ready; k++) {
                    int fd = (int) events.getLong(k * EVENT_SIZE + DATA_OFFSET);
                    Entry entry = fd < byFd.length ? byFd[fd] : null;
                    if (entry != null) {
                        read(entry, now);
                    }
                }
            }
        }

        /** A ready pipe in the set: one chunk, then perhaps a rest. */
        private void read(Entry entry, long now) {
            long n = readChunk(entry);
            if (n > 0) {
                if (entry.mayRest && n < REST_BELOW && now - entry.lastRead < REST_NANOS) {
                    restFromSet(entry, now + REST_NANOS);
                }
                entry.lastRead = now;
            } else if (n == 0) {
                // EOF: every writer (the child and any grandchild holding the pipe) has gone. Out of the set
                // before the close, so a copy of the descriptor in a child being spawned cannot keep it there.
                control(epoll, LibC.EPOLL_CTL_DEL, entry.fd, event);
                close(entry);
            }
        }

        /** Reads one chunk and hands it to the pipe's sink: its size; 0 at EOF or on an error; -1 when the pipe is empty. */
        private long readChunk(Entry entry) {
            long n = LibC.read(entry.fd, bufferAddress, CHUNK);
            if (n > 0) {
                buffer.clear().limit((int) n);
                entry.sink.write(buffer);
                return n;
            }
            return n == 0 || Native.getLastError() != LibC.EAGAIN ? 0 : -1;
        }

        private void addPending() {
            synchronized (lock) {
                for (Entry entry : pending) {
                    // Here rather than in add(), which runs on the owner at every spawn. A larger pipe lets
                    // a fast writer run ahead while we write to disk; a refused size (a user over the
                    // kernel's pipe limits) only means that the pipe never rests.
                    int size = LibC.fcntl(entry.fd, LibC.F_SETPIPE_SZ, PIPE_SIZE);
                    int nonBlocking = LibC.fcntl(entry.fd, LibC.F_SETFL, LibC.fcntl(entry.fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK);
                    entry.mayRest = restsAllowed(size, nonBlocking);
                    if (entry.fd >= byFd.length) {
                        byFd = Arrays.copyOf(byFd, Math.max(entry.fd + 1, byFd.length * 2));
                    }
                    byFd[entry.fd] = entry;
                }
                pending.clear();
            }
        }

        /**
         * Waits for ready pipes, at most {@code nanos} (-1: no limit); how many are ready. The rests are a
         * millisecond long, so their end is waited for to the nanosecond (epoll_pwait2) where the kernel and
         * C library can: rounded up to whole milliseconds, a writer of small lines measured a tenth slower.
         */
        private int await(long nanos) {
            if (nanos < 0) {
                return LibC.epoll_wait(epoll, eventsAddress, MAX_EVENTS, -1);
            }
            if (nanoTimeouts) {
                timeout.putLong(0, nanos / 1_000_000_000L); // struct timespec { long tv_sec; long tv_nsec; }
                timeout.putLong(8, nanos % 1_000_000_000L);
                try {
                    int ready = LibC.NanoEpoll.epoll_pwait2(epoll, eventsAddress, MAX_EVENTS, timeoutAddress, Pointer.NULL);
                    if (ready >= 0 || Native.getLastError() == LibC.EINTR) {
                        return ready;
                    }
                } catch (LinkageError e) {
                    // a C library without epoll_pwait2: whole milliseconds from now on
                }
                // A kernel before 5.11 (ENOSYS), a seccomp filter that does not know the call (often EPERM), or
                // that C library. Retrying would spin: every rest would return at once.
                nanoTimeouts = false;
            }
            return LibC.epoll_wait(epoll, eventsAddress, MAX_EVENTS, (int) ((nanos + 999_999) / 1_000_000));
        }

        /** Reads the pipes whose rest is over (see {@link #drainRested}); the nanoseconds until the next rest ends, or -1. */
        private long wakeRested() {
            long now = System.nanoTime();
            while (!resting.isEmpty() && resting.peekFirst().restUntil - now <= 0) {
                drainRested(resting.pollFirst(), now);
            }
            // Measured again: the drains wrote to the sinks meanwhile, and the rests must not grow by that.
            return resting.isEmpty() ? -1 : Math.max(0, resting.peekFirst().restUntil - System.nanoTime());
        }

        /**
         * Reads what a pipe collected during its rest without putting it back in the epoll set first. While a
         * pipe is in the set, every write(2) into it calls epoll's callback (a pipe that has ever been polled
         * wakes its waiters at every write), so a writer that keeps writing stays out of the set and is read
         * once per rest. The pipe goes back into the set when it gave nothing (the writer paused) or a whole
         * pipe's worth in full chunks (it filled up during the rest: a writer that fast must not rest).
         */
        private void drainRested(Entry entry, long now) {
            for (int chunk = 0; chunk < DRAIN_CHUNKS; chunk++) {
                long n = readChunk(entry);
                if (n == 0) {
                    close(entry); // not in the set: nothing to delete
                    return;
                }
                if (n < 0) {
                    break; // empty: the writer paused
                }
                entry.lastRead = now;
                if (n < CHUNK) {
                    rest(entry, now + REST_NANOS);
                    return;
                }
            }
            if (control(epoll, LibC.EPOLL_CTL_ADD, entry.fd, event) != 0) {
                // Out of memory for a moment: rest once more rather than never read the pipe again.
                rest(entry, now + REST_NANOS);
            }
        }

        /** Takes the pipe out of the set (a resting pipe must not be reported, not even its hang-up) until {@code until}. */
        private void restFromSet(Entry entry, long until) {
            if (control(epoll, LibC.EPOLL_CTL_DEL, entry.fd, event) == 0) { // else it just goes on being read
                rest(entry, until);
            }
        }

        /** Queues a pipe that is out of the set to be read at {@code until}: the queue is in that order. */
        private void rest(Entry entry, long until) {
            entry.restUntil = until;
            resting.addLast(entry);
        }

        private void close(Entry entry) {
            LibC.close(entry.fd);
            byFd[entry.fd] = null;
            try {
                entry.sink.ended();
            } catch (RuntimeException e) {
                // as for a write: one sink must not stop this thread, which serves every child
            }
        }
    }
}
