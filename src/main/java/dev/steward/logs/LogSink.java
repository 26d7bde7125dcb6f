package dev.steward.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one child stream's output goes: a size-rotated file (optional) and an in-memory ring of the
 * last {@link #RING_BYTES} bytes for {@code logs}/{@code tail}, which is kept even without a file
 * (fewer once the rings of all streams hold what {@link TailMemory} allows).
 * The file, and its directories, are created by the first write: a program that never writes to a
 * stream gets no file, and opening a sink (on the supervision owner, at every spawn) costs no I/O.
 *
 * <p>{@link #write} is called only by the I/O thread that drains the child pipes, so the order of
 * bytes is the order of calls. It never throws: that thread serves every child, and one bad log
 * file must not stop the others or block a pipe. A file error is kept in {@link #lastError()} and
 * the file is retried on the next write; the ring always gets the bytes. Everything else may be
 * called from any thread.
 */
public final class LogSink implements Closeable {

    /** Bytes of recent output kept in memory per stream. */
    public static final int RING_BYTES = 64 * 1024;

    /**
     * The longest unfinished line held back for a file other streams write too: once a line is longer, what has come
     * of it is written without waiting for its end, so a very long line may be cut by another stream's.
     */
    public static final int MAX_LINE = 16 * 1024;

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    private static final byte[] LINE_BREAK = {'\n'};

    private final RingBuffer ring;
    private final Runs runs;
    private final Optional<Path> file;
    private final LogFileTable files;
    private final LogFileTable.Lease lease; // null when output is not written to disk
    private final RotatingFile out;         // the lease's file, or null
    private final List<Run> holding = new ArrayList<>(1); // runs with a line held back; under this sink's lock
    private volatile String lastError;
    private volatile boolean closed;

    private LogSink(Optional<Path> file, LogFileTable files, LogFileTable.Lease lease, RingBuffer ring, Runs runs) {
        this.file = file;
        this.files = files;
        this.lease = lease;
        this.out = lease == null ? null : lease.file();
        this.ring = ring;
        this.runs = runs;
    }

    /**
     * A sink writing to {@code file} (when present) and a ring of {@link #RING_BYTES}. Touches no
     * file: the first {@link #write} creates or appends to it, so a bad path shows in
     * {@link #lastError()} once the program has written something.
     *
     * @param file     the log file, empty to keep output in memory only (Supervisor's {@code NONE})
     * @param maxBytes rotate at this size; 0 never rotates
     * @param backups  rotated files kept; 0 truncates instead
     * @param memory   what the rings of all sinks may take together; {@link #close()} gives this one's back
     * @param files    the files other sinks write: a path one of them writes already is written through its writer
     */
    public static LogSink open(Optional<Path> file, long maxBytes, int backups, TailMemory memory, LogFileTable files) {
        return open(file, maxBytes, backups, new RingBuffer(RING_BYTES, memory), files);
    }

    /** A sink whose ring counts against no shared limit, and whose file no other sink writes. */
    public static LogSink open(Optional<Path> file, long maxBytes, int backups) {
        return open(file, maxBytes, backups, TailMemory.unlimited(), new LogFileTable());
    }

    // A smaller ring lets tests cover wraparound without writing 64 KiB.
    static LogSink open(Optional<Path> file, long maxBytes, int backups, int ringBytes) {
        return open(file, maxBytes, backups, new RingBuffer(ringBytes), new LogFileTable());
    }

    private static LogSink open(Optional<Path> file, long maxBytes, int backups, RingBuffer ring, LogFileTable files) {
        return new LogSink(file, files, rotating(file, maxBytes, backups, files), ring, new Runs());
    }

    /** A hold on the file's writer, or null without a file. */
    private static LogFileTable.Lease rotating(Optional<Path> file, long maxBytes, int backups, LogFileTable files) {
        Objects.requireNonNull(file, "file");
        checkLimits(maxBytes, backups);
        return file.map(f -> files.acquire(f, maxBytes, backups)).orElse(null);
    }

    /**
     * Other streams are to write this sink's file too (a program's replicas given one path): it takes whole lines from
     * the first byte on. Called before the process is spawned; else a half line written before the second stream
     * opened the file would be cut by that stream's first line.
     */
    public void expectOtherWriters() {
        if (out != null) {
            out.markShared();
        }
    }

    /**
     * A sink writing to another file that keeps this one's memory, its output and its runs, for a log path changed in
     * place: {@code logs} and {@code logs -p} still show what the process wrote before. This sink's file is closed;
     * late output written here still reaches the shared memory. To the same file, this sink itself, with the limits.
     */
    public LogSink movedTo(Optional<Path> newFile, long maxBytes, int backups) {
        if (newFile.map(LogFileTable::key).equals(file.map(LogFileTable::key))) { // logs/a.log is ./logs/a.log
            setLimits(maxBytes, backups); // taking the file again would count this stream twice, as a second writer
            return this;
        }
        LogFileTable.Lease moved = rotating(newFile, maxBytes, backups, files); // checks first: a bad move changes nothing
        if (moved != null) {
            moved.file().streamAt(ring.total()); // the new file's end is here in the shared ring, not at its start
        }
        closeFile();
        return new LogSink(newFile, files, moved, ring, runs);
    }

    /**
     * What a run of the process wrote, as far as the ring still holds it.
     *
     * @param bytes     its output, or the end of it
     * @param lostBytes how many of its first bytes later output has overwritten
     */
    public record RunOutput(byte[] bytes, long lostBytes) {
    }

    /**
     * One run of the process, from a spawn: what it writes is that run's output, for {@code logs --previous}. Its
     * {@link #write} is called by the pipe reader's thread only, as {@link LogSink}'s.
     */
    public final class Run {
        private final long number;
        private boolean wrote; // the pipe reader's alone: only a run's first write takes the runs' lock
        private boolean endedLine = true; // the pipe reader's alone: whether its last byte was a line break
        private long lastEnd; // the pipe reader's alone: the ring position just after its last byte
        private ByteBuffer heldLine; // its pipe's unfinished last line for a shared file; under the sink's lock

        private Run(long number) {
            this.number = number;
        }

        /** As {@link LogSink#write}, for this run. */
        public void write(ByteBuffer chunk) {
            if (!wrote) {
                wrote = true;
                runs.wrote(number, ring.total()); // only this thread writes the ring: where the chunk lands
            }
            if (chunk.hasRemaining()) {
                endedLine = chunk.get(chunk.limit() - 1) == '\n';
            }
            lastEnd = LogSink.this.write(chunk, this);
        }

        /**
         * This run's pipe has ended (called by the pipe reader, after its last {@link #write}): an unfinished last line
         * gets a line break, so that the next run's first line (or another stream's, in a shared file) starts on its
         * own; and the file is let go until the next output ({@link LogSink#reopen()}). Not when output of another run
         * came after this one's (a pipe held open by a grandchild): the break would land inside that output.
         */
        public void ended() {
            if (!endedLine && ring.total() == lastEnd) {
                LogSink.this.write(ByteBuffer.wrap(LINE_BREAK), this);
            }
            synchronized (LogSink.this) {
                flushHeld(this);
            }
            reopen();
        }
    }

    /** A new run of the process begins, at its spawn: its output is written through the run returned. */
    public Run beginRun() {
        return new Run(runs.begin());
    }

    /** The run just begun never started, as its spawn failed: it is not the previous one of the next. */
    public void abandonRun() {
        runs.abandon();
    }

    /**
     * Records the remaining bytes of {@code chunk}, which may be consumed. After {@link #close()} the bytes
     * still reach the ring, so late output stays visible, but no longer the file.
     */
    private long write(ByteBuffer chunk, Run run) {
        long end = ring.write(chunk);
        if (out == null || closed) {
            return end;
        }
        try {
            if (out.shared()) {
                writeLines(chunk, run);
            } else {
                out.write(chunk, end);
            }
            lastError = null;
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: whatever the file does, the I/O thread must keep draining pipes.
            if (!closed) { // a close racing this write is not a file error
                recordError(e);
            }
        }
        return end;
    }

    /**
     * Into a file other streams write too: whole lines, so that theirs fall between this stream's lines and not inside
     * them. What follows the chunk's last newline is held back, for the run whose pipe it came from, until a later chunk
     * ends the line, the line passes {@link #MAX_LINE}, the pipe ends ({@link Run#ended()}) or the sink lets go of the
     * file ({@link #closeFile()}): then it is written with a line break of its own.
     */
    private synchronized void writeLines(ByteBuffer chunk, Run run) throws IOException {
        if (closed) {
            return; // closeFile wrote what was held and let the file go
        }
        int start = chunk.position();
        int lineEnd = chunk.limit(); // just past the chunk's last newline, or start when it has none
        while (lineEnd > start && chunk.get(lineEnd - 1) != '\n') {
            lineEnd--;
        }
        int held = run.heldLine == null ? 0 : run.heldLine.position();
        if (lineEnd == start) {
            if (held + chunk.remaining() <= MAX_LINE) {
                hold(run, chunk);
                return;
            }
            lineEnd = chunk.limit(); // a line longer than MAX_LINE: what has come of it goes now
        }
        ByteBuffer lines = chunk.slice(start, lineEnd - start);
        chunk.position(lineEnd);
        writeHeldAnd(run, lines);
        if (chunk.remaining() > MAX_LINE) {
            out.writeBoth(NOTHING, chunk);
        } else if (chunk.hasRemaining()) {
            hold(run, chunk);
        }
    }

    /** Adds to a run's held line; the buffer grows as needed, most lines being far shorter than the limit. */
    private void hold(Run run, ByteBuffer bytes) {
        ByteBuffer held = run.heldLine;
        int needed = (held == null ? 0 : held.position()) + bytes.remaining();
        if (held == null || held.capacity() < needed) {
            ByteBuffer grown = ByteBuffer.allocate(Math.min(MAX_LINE, Math.max(256, Integer.highestOneBit(needed) << 1)));
            if (held != null) {
                grown.put(held.flip());
            }
            run.heldLine = grown;
        }
        run.heldLine.put(bytes);
        if (!holding.contains(run)) {
            holding.add(run);
        }
    }

    /** Writes a run's held-back bytes, then {@code next}; the held bytes are gone either way. */
    private void writeHeldAnd(Run run, ByteBuffer next) throws IOException {
        ByteBuffer held = run.heldLine;
        if (held == null || held.position() == 0) {
            out.writeBoth(NOTHING, next);
            return;
        }
        try {
            out.writeBoth(held.flip(), next);
        } finally {
            held.clear();
            holding.remove(run);
        }
    }

    /**
     * Writes a run's held line, ended with a line break so that the next line another stream (or the daemon, for its
     * own stdout) writes does not run on from it, and lets go of its buffer; the caller holds this sink's lock.
     */
    private void flushHeld(Run run) {
        if (out != null && !closed && run.heldLine != null && run.heldLine.position() > 0) {
            try {
                writeHeldAnd(run, ByteBuffer.wrap(new byte[] {'\n'}));
            } catch (IOException | RuntimeException e) {
                recordError(e);
            }
        }
        run.heldLine = null;
        holding.remove(run);
    }

    /** The last {@code min(maxBytes, held)} bytes of output. */
    public byte[] tail(int maxBytes) {
        return ring.tail(maxBytes);
    }

    /** What the run before the latest one wrote; empty when the process has run at most once. */
    public Optional<RunOutput> previousRun() {
        // Read first: a previous run whose end was not known yet ended at most here, as the next run's first
        // write is recorded before it reaches the ring.
        long written = ring.total();
        return runs.previous().map(previous -> {
            long end = previous.end() < 0 ? written : previous.end();
            long start = previous.start() < 0 ? end : Math.min(previous.start(), end);
            RingBuffer.Slice kept = ring.read(start, end);
            return new RunOutput(kept.bytes(), Math.min(kept.start(), end) - start);
        });
    }

    /**
     * The log file and its backups, opened for reading as they are now, and the ring position their end matches
     * ({@link RotatingFile#snapshot()}); empty without a file, or when it is not a plain file or not there.
     */
    public Optional<LogFiles> files() throws IOException {
        return out == null ? Optional.empty() : out.snapshot();
    }

    /** The in-memory ring, for followers that poll with {@link RingBuffer#read(long)}. */
    public RingBuffer ring() {
        return ring;
    }

    /** The log file, empty when output is kept in memory only. */
    public Optional<Path> file() {
        return file;
    }

    /**
     * Why the last attempt to write the file failed, cleared by the next successful write; empty
     * when the file is healthy, has not been written yet, or there is none.
     */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Reopens the log file at its path with the next write ({@link RotatingFile#reopen()}); no-op without a file. */
    public void reopen() {
        if (out != null) {
            out.reopen();
        }
    }

    /** Applies new rotation limits to the open file, from the next write on; no-op without a file. */
    public void setLimits(long maxBytes, int backups) {
        checkLimits(maxBytes, backups); // even without a file, so bad limits fail the same way
        if (lease != null) {
            lease.setLimits(maxBytes, backups);
        }
    }

    /** Closes the file and gives the ring's memory back. Idempotent; the ring stays readable. */
    @Override
    public void close() {
        if (!closed) {
            ring.release();
        }
        closeFile();
    }

    private synchronized void closeFile() {
        if (closed) {
            return;
        }
        // The pipe may end later, or never (a grandchild holding it): what is held goes to the file now.
        for (Run run : new ArrayList<>(holding)) {
            flushHeld(run);
        }
        closed = true;
        if (lease != null) {
            try {
                lease.release();
            } catch (IOException e) {
                recordError(e);
            }
        }
    }

    private static void checkLimits(long maxBytes, int backups) {
        if (maxBytes < 0 || backups < 0) {
            throw new IllegalArgumentException("negative log limits: maxBytes=" + maxBytes + ", backups=" + backups);
        }
    }

    private void recordError(Exception e) {
        lastError = cannotWrite(file.orElse(Path.of("?")), e);
    }

    /** Why {@code file} could not be written, and what to do about it. */
    static String cannotWrite(Path file, Exception e) {
        String advice = DaemonStreams.named(file) != null
                // The daemon's own stream: no directory to check; what reads it (a terminal, the journal, a container
                // runtime) has gone or stalled.
                ? "check what reads the daemon's " + (DaemonStreams.canonical(file).endsWith("stderr") ? "stderr" : "stdout")
                        + " (a terminal closed, a pipe whose reader exited), or give the program a log file"
                : "Broken pipe".equals(e.getMessage())
                // A FIFO (or a link to one) whose reader has not started yet, or has exited: it is opened again at the next output.
                ? "start what reads that FIFO, or change spec.logs.stdout.file / spec.logs.stderr.file"
                : "check that the daemon can create and write that directory and that its file system has room, or change"
                        + " spec.logs.stdout.file / spec.logs.stderr.file";
        return "cannot write log file " + file + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "; until it can, output reaches only the in-memory tail (" + advice + ")";
    }
}
