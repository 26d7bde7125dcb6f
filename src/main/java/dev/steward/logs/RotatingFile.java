package dev.steward.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

import static java.nio.file.StandardOpenOption.READ;

/**
 * An append-only log file rotated by size, Supervisor style: {@code file} is current,
 * {@code file.1} the newest backup and {@code file.N} the oldest.
 *
 * <p>A chunk that would take the file past {@code maxBytes} is split at a line's end: the file gets the
 * chunk's lines that fit (or, when none ends within {@code maxBytes}, the line under way if it ends within
 * {@link #LINE_OVERSHOOT} past it, in this chunk or, for output in lines, a later one; else exactly {@code maxBytes}),
 * is rotated, and the rest goes to the new file ({@link RotationCuts}). A chunk that fills more files than the backups
 * keep (a tiny {@code maxBytes}) is written only into the files that stay.
 * So a backup written by this class holds at most {@code maxBytes + LINE_OVERSHOOT} bytes, ends at a line's end
 * unless a line was longer than that, and {@code file.N ... file.1 file} concatenated is the byte stream, minus
 * whatever rotation dropped. Only a plain regular file rotates: a symbolic link
 * ({@code /dev/stdout}, the container habit), a device or a pipe is written to as it is, whatever the
 * limits, since rotating means renaming the path, and renaming {@code /dev/stdout} replaced it with a
 * regular file for the whole machine. {@code /dev/stdout} and {@code /dev/stderr} are written through the daemon's own
 * descriptors, not opened again ({@link DaemonStreams}). A file that was already larger (from an earlier
 * run or a lowered limit) is rotated whole before the next byte is written.
 *
 * <p>The file is opened lazily and reopened after any failure, so a deleted directory or a full
 * disk costs the chunks written meanwhile but not the file for good. Methods are synchronized so
 * {@link #setLimits} and {@link #close} may be called from a thread other than the writer.
 */
public final class RotatingFile implements Closeable {
    /** How far past {@code maxBytes} a file may grow to end at the end of the line under way. */
    static final int LINE_OVERSHOOT = 16 * 1024;
    /** How often a write looks whether the open file is still at its path (a stat): every two seconds at most. */
    static final long PATH_CHECK_NANOS = 2_000_000_000L;
    private static final byte[] NEWLINE = {'\n'};

    private final Path file;
    private long maxBytes;
    private int backups;

    private WritableByteChannel out; // null until opened, after a failure, and after close
    private long size;        // bytes in the current file, valid while out != null
    private boolean atLineEnd; // whether the last byte this object wrote to the current file was a newline
    private boolean writesLines; // whether a write of this object has ended a line: its output is text, rotated between lines
    private boolean rotates;  // whether the open path is a plain regular file, valid while out != null
    private boolean closed;
    private long streamEnd;   // the caller's stream position just past the last chunk written (or lost)
    private long heldFrom;    // the stream position from which the files hold every byte written (see snapshot)
    private Object fileKey;   // of the file last opened at the path: another one there means it was moved aside
    private volatile boolean shared; // several streams write here (LogFileTable): the files are not one stream
    private final WritableByteChannel daemonStream; // the daemon's own stdout or stderr that the path names, or null
    private final LogFileProblems problems;
    private boolean failing;  // the last write failed, and problems was told
    private final LongSupplier nanoTime;
    private long pathCheckedAt; // nanoTime of the last look whether the file open is still at its path
    private long rotations;     // how often the file has been rotated (or truncated, without backups)

    /**
     * Describes the file without touching the disk; it is created on {@link #open()} or the first write.
     *
     * @param maxBytes rotate when the file would exceed this size; 0 never rotates
     * @param backups  rotated files kept; 0 truncates {@code file} instead of rotating it
     */
    public RotatingFile(Path file, long maxBytes, int backups) {
        this(file, maxBytes, backups, LogFileProblems.NONE);
    }

    /** As above, telling {@code problems} when writes start failing and when they succeed again. */
    RotatingFile(Path file, long maxBytes, int backups, LogFileProblems problems) {
        this(file, maxBytes, backups, problems, System::nanoTime);
    }

    /** As above, with the clock by which the path is looked at again ({@link #PATH_CHECK_NANOS}). */
    RotatingFile(Path file, long maxBytes, int backups, LogFileProblems problems, LongSupplier nanoTime) {
        this.file = Objects.requireNonNull(file, "file");
        this.nanoTime = nanoTime;
        checkLimits(maxBytes, backups);
        this.maxBytes = maxBytes;
        this.backups = backups;
        this.problems = problems;
        this.daemonStream = DaemonStreams.named(file);
        // The daemon's own lines go there too, and must not cut a program's: whole lines from the first stream on.
        this.shared = daemonStream != null;
    }

    public Path file() {
        return file;
    }

    /** Opens the file for appending (creating it and its parent directories) unless already open. */
    public synchronized void open() throws IOException {
        openIfNotOpen(streamEnd);
    }

    /**
     * Opens the file unless open. When the path now holds another file than the one written before (moved aside by
     * logrotate, or removed), the files hold the stream only from {@code position} on.
     */
    private void openIfNotOpen(long position) throws IOException {
        if (closed) {
            throw new IOException("log file closed: " + file);
        }
        if (out != null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            SharedDirectory.createDirectories(parent);
        }
        Object before = fileKey;
        boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        openChannel(false);
        // Created by this open: a new inode may reuse the old one's number (ext4), so the key alone cannot tell.
        if (before != null && (!existed || fileKey == null || !before.equals(fileKey))) {
            heldFrom = position;
        }
    }

    /**
     * Appends the remaining bytes of {@code chunk}, rotating as often as the limits require, and
     * advances its position past them. On failure the file is closed and reopened by the next call;
     * bytes of this chunk not yet written are lost.
     */
    public synchronized void write(ByteBuffer chunk) throws IOException {
        write(chunk, streamEnd + chunk.remaining());
    }

    /**
     * As {@link #write(ByteBuffer)}, with where the chunk ends in the caller's count of the stream's bytes (its
     * ring's position), which {@link #snapshot()} returns with the files: whether this write succeeds or not, the
     * files hold all they ever will up to there.
     */
    public synchronized void write(ByteBuffer chunk, long streamEnd) throws IOException {
        long chunkStart = streamEnd - chunk.remaining();
        this.streamEnd = streamEnd;
        try {
            letGoIfGoneFromPath();
            openIfNotOpen(chunkStart);
            endLineCutByFailure();
            append(chunk);
        } catch (IOException | RuntimeException e) {
            failed(streamEnd, e);
            throw e;
        }
        written();
    }

    /**
     * For a file several streams write ({@link #markShared()}): appends {@code held}, then {@code chunk}, with no other
     * writer's bytes between them, so that a line one stream held back lands whole.
     */
    public synchronized void writeBoth(ByteBuffer held, ByteBuffer chunk) throws IOException {
        try {
            letGoIfGoneFromPath();
            openIfNotOpen(streamEnd);
            endLineCutByFailure();
            if (!rotates && out instanceof GatheringByteChannel gathering) {
                // One write for both (the daemon's stdout, a device, a pipe): no other writer's bytes between them,
                // not even the daemon's own lines, which do not go through this file's lock.
                ByteBuffer[] both = {held, chunk};
                while (held.hasRemaining() || chunk.hasRemaining()) {
                    size += gathering.write(both);
                }
            } else {
                append(held);
                append(chunk);
            }
        } catch (IOException | RuntimeException e) {
            failed(streamEnd, e);
            throw e;
        }
        written();
    }

    private void append(ByteBuffer chunk) throws IOException {
        RotationCuts cuts = rotates && maxBytes > 0 ? new RotationCuts(chunk, maxBytes) : null;
        if (cuts != null && chunk.remaining() > maxBytes) { // else a rotation or two at most
            skipWhatRotationWouldDelete(chunk, cuts);
        }
        while (chunk.hasRemaining()) {
            int n = chunk.remaining();
            boolean rotateAfter = false;
            if (cuts != null) {
                if (size + n > maxBytes) {
                    // Before any rotation: the count is stale once copytruncate emptied the file, which would rotate early.
                    noticeTruncation(streamEnd - chunk.remaining());
                }
                long part = cuts.nextPart(chunk.position(), size, atLineEnd, writesLines);
                if (part == RotationCuts.ROTATE_FIRST) {
                    rotate();
                    continue;
                }
                n = (int) part;
                rotateAfter = part >= RotationCuts.THEN_ROTATE;
            }
            ByteBuffer part = chunk.slice(chunk.position(), n);
            while (part.hasRemaining()) {
                size += out.write(part);
            }
            atLineEnd = chunk.get(chunk.position() + n - 1) == '\n';
            writesLines |= atLineEnd; // a write that ends a line: no scan of every byte on this path
            chunk.position(chunk.position() + n);
            if (rotateAfter && chunk.hasRemaining()) {
                rotate(); // it ends at a line's end short of maxBytes: the next line starts the next file
            }
        }
    }

    /**
     * Skips the start of {@code chunk} that would go only into files this same write rotates away, and lets go of the
     * files at once. With a tiny maxBytes ({@code maxBytes: 10}, meant as 10Mi) a 128 KiB chunk took thousands of
     * rotations, each renaming every backup, while the thread that reads every program's pipes waited: the output of
     * every other program stood still for many seconds. The files left are the same.
     */
    private void skipWhatRotationWouldDelete(ByteBuffer chunk, RotationCuts cuts) throws IOException {
        noticeTruncation(streamEnd - chunk.remaining()); // the count must be right to cut as append will
        Optional<RotationCuts.Start> start = cuts.oldestKept(size, atLineEnd, writesLines, backups);
        if (start.isEmpty()) {
            return;
        }
        rotate(); // what the file holds, and its backups, would all be rotated past the last backup
        for (int i = 1; i <= backups; i++) {
            Files.deleteIfExists(backup(i));
        }
        writesLines = start.get().writesLines();
        chunk.position(start.get().position());
    }

    /**
     * A write that failed part way (a full disk) may have left the file ending inside a line: the first write after it
     * starts on a line of its own, not glued to that half line. The line break is no stream byte, and lies before
     * what the files hold of the stream from the failure on ({@link #heldFrom}).
     */
    private void endLineCutByFailure() throws IOException {
        // The failure closed the file, and its reopening read whether it ends a line (atLineEnd). Only a regular file
        // is read back: a pipe's or device's reading would take another's bytes.
        if (failing && rotates && size > 0 && !atLineEnd && out instanceof FileChannel channel) {
            size += channel.write(ByteBuffer.wrap(NEWLINE));
            atLineEnd = true;
        }
    }

    /**
     * The byte at {@code at} of the file at the path, read back; a newline when it cannot be known (a file the daemon
     * may write but not read, mode 0200): no reason to fail a write, nor to add a line break.
     */
    private byte lastByte(long at) {
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel read = FileChannel.open(file, READ)) {
            read.read(last, at);
        } catch (IOException unreadable) {
            return '\n';
        }
        return last.position() == 1 ? last.get(0) : (byte) '\n';
    }

    /**
     * After logrotate's copytruncate emptied the file under this writer: the count follows the file, and the files hold
     * the stream only from what the file holds now on, {@code next} being the stream position of the next byte written
     * (the backups before it and the file are no longer one stream: what the truncation took lies between them).
     */
    private void noticeTruncation(long next) throws IOException {
        if (out instanceof FileChannel channel) {
            long real = channel.size();
            if (real < size) {
                size = real;
                heldFrom = Math.max(heldFrom, next - real);
            }
        }
    }

    private void failed(long streamEnd, Exception cause) {
        // The channel may be half closed or the size unknown; start over from the disk next time.
        closeChannelQuietly();
        heldFrom = streamEnd; // some of this chunk is not in the files: those before it cannot be told apart
        if (!failing && !closed) { // a write after close is no file's problem
            failing = true;
            problems.cannotWrite(LogSink.cannotWrite(file, cause));
        }
    }

    private void written() {
        if (failing) {
            failing = false;
            problems.writtenAgain(file);
        }
    }

    /** Another stream writes this file too, from now on: its content is no longer one stream's ({@link #snapshot()}). */
    void markShared() {
        shared = true;
    }

    /** Whether several streams have written this file (it is shared in a {@link LogFileTable}). */
    public boolean shared() {
        return shared;
    }

    /**
     * Lets go of the open file, so that the next write opens the path again, creating it if it is gone: after
     * {@code logrotate} (without {@code copytruncate}) has moved the file aside, output would otherwise go on into the
     * moved file (Supervisor does this on SIGUSR2); and a pipe that ended keeps no file open. Whether the path still
     * holds the file is noted first: while it is open, its inode number cannot be reused.
     */
    public synchronized void reopen() {
        if (out != null && !stillAtPath()) {
            heldFrom = streamEnd;
        }
        closeChannelQuietly();
    }

    /**
     * Every {@link #PATH_CHECK_NANOS} at most, whether the plain file open is still at its path: one deleted (the log
     * directory removed) or moved aside (logrotate's {@code create} without a {@code postrotate} signal) is let go, so
     * that this write opens the path again and creates it if need be, as Python's {@code WatchedFileHandler} does.
     * Without it, output went on into the deleted or moved file, unseen, until a signal or the next rotation. Only a
     * path that is gone or (links followed) a regular file is opened so: a FIFO or device put there, something else than
     * a log file moved aside, waits for a signal.
     */
    private void letGoIfGoneFromPath() {
        if (out == null || !rotates) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - pathCheckedAt < PATH_CHECK_NANOS) {
            return;
        }
        pathCheckedAt = now;
        if (!stillAtPath() && goneOrRegular()) {
            closeChannelQuietly(); // the open that follows notes that the files hold the stream from this chunk on
        }
    }

    private boolean goneOrRegular() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).isRegularFile();
        } catch (IOException e) {
            return true; // gone (a link to nothing too), or unreadable: the open says so
        }
    }

    private boolean stillAtPath() {
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return now != null && now.equals(fileKey);
        } catch (IOException e) {
            return false;
        }
    }

    /** Applies new limits; they take effect on the next write. */
    public synchronized void setLimits(long maxBytes, int backups) {
        checkLimits(maxBytes, backups);
        this.maxBytes = maxBytes;
        this.backups = backups;
    }

    public synchronized long maxBytes() {
        return maxBytes;
    }

    public synchronized int backups() {
        return backups;
    }

    /** Where the caller's stream stands before the first write: {@link #snapshot()}'s end until then. */
    public synchronized void streamAt(long position) {
        streamEnd = position;
        heldFrom = position; // what the file had is not this stream's
    }

    /**
     * The file and its backups, oldest first, opened for reading as they are now (no write or rotation runs
     * meanwhile), with the stream position of their end; empty when the path is not a plain file (a symbolic link
     * such as {@code /dev/stdout}, a device, a pipe: nothing to read back) or does not exist, and when several streams
     * write it ({@link #shared()}: it holds theirs too, and no position of one stream's matches its end). Links are not
     * followed.
     */
    public synchronized Optional<LogFiles> snapshot() throws IOException {
        if (shared) {
            return Optional.empty();
        }
        if (rotates) {
            noticeTruncation(streamEnd);
        }
        // Moved aside or removed while still open here: what the path holds now is not what was written.
        return LogFiles.open(file, backups, streamEnd, out != null && !stillAtPath() ? streamEnd : heldFrom);
    }

    /** Bytes in the current file as last known, 0 when not open. */
    public synchronized long size() {
        return out == null ? 0 : size;
    }

    /** Closes the file; later writes fail. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        WritableByteChannel o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }

    /** How often the file has been rotated, or truncated without backups. */
    synchronized long rotations() {
        return rotations;
    }

    private void rotate() throws IOException {
        rotations++;
        if (!stillAtPath()) {
            heldFrom = streamEnd; // removed while open: the backups below and the new file are not one stream
        }
        WritableByteChannel o = out;
        out = null;
        o.close();
        // Backups beyond the limit (left by a lowered limit) would otherwise sit there forever
        // and break the "concatenate in order" property if the limit went up again.
        for (int i = backups + 1; Files.deleteIfExists(backup(i)); i++) {
            // deleting
        }
        if (backups == 0) {
            // Truncated in place, as supervisord does, not replaced: a writer of the path outside this file's hands
            // (the program appending to it itself, another daemon) keeps writing where this one does; the streams of
            // this daemon that name the path share this writer (LogFileTable). A logs request reading the file at
            // that moment may get some of the new output at the old offsets.
            openChannel(true);
            return;
        }
        Files.deleteIfExists(backup(backups));
        for (int i = backups - 1; i >= 1; i--) {
            moveIfExists(backup(i), backup(i + 1));
        }
        // The file may be gone if someone removed it while we held it open; then there is
        // nothing to keep, and opening creates a fresh one (and its directory).
        moveIfExists(file, backup(1));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            SharedDirectory.createDirectories(parent);
        }
        openChannel(false);
    }

    /** Opens the path for appending (after truncating it, if asked), and notes its size and file key. */
    private void openChannel(boolean truncate) throws IOException {
        // A FileChannel writes a direct buffer (what the pipe reader fills) without copying it, where
        // FileOutputStream copies every chunk into a malloc'ed buffer first. No user-space buffer,
        // so every byte written has reached the OS and close cannot lose any. An interrupt of a
        // writing thread would close the channel; the threads that write logs (the pipe reader, and the
        // supervision owner when it lets a file go with a line held back) are never interrupted.
        if (daemonStream != null) { // written as it is, as any path that is not a plain file
            out = daemonStream;
            size = 0;
            rotates = false;
            fileKey = null;
            return;
        }
        FileChannel channel = SharedDirectory.openForAppend(file); // in /tmp, not through another user's link
        long existing;
        boolean regular;
        Object key;
        try {
            if (truncate) {
                channel.truncate(0); // in append mode still: every writer of the path writes at its end
            }
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            regular = attributes.isRegularFile();
            key = attributes.fileKey();
            // An existing file's content counts towards maxBytes.
            existing = regular ? channel.size() : 0;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        out = channel;
        size = existing;
        // Whether an existing file (an earlier run's, a daemon restart's) ends a line: else the next run's first line
        // would end the file's last one, and a file already full would take that line before it rotates.
        atLineEnd = existing > 0 && lastByte(existing - 1) == '\n';
        rotates = regular;
        fileKey = key;
        pathCheckedAt = nanoTime.getAsLong();
    }

    private void closeChannelQuietly() {
        WritableByteChannel o = out;
        out = null;
        if (o != null) {
            try {
                o.close();
            } catch (IOException ignored) {
                // Already failing; the caller reports the original error.
            }
        }
    }

    private Path backup(int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    private static void moveIfExists(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            // Same directory, so a rename: atomic, and it replaces the target on POSIX.
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void checkLimits(long maxBytes, int backups) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        if (backups < 0) {
            throw new IllegalArgumentException("backups must not be negative: " + backups);
        }
    }
}
