package dev.steward.logs;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * An append-only log file rotated by size, Supervisor style: {@code file} is current,
 * {@code file.1} the newest backup and {@code file.N} the oldest.
 *
 * <p>A chunk that would take the file past {@code maxBytes} is split: the file is filled to exactly
 * {@code maxBytes}, rotated, and the rest goes to the new file. So every backup written by this
 * class holds exactly {@code maxBytes} bytes and {@code file.N ... file.1 file} concatenated is the
 * byte stream, minus whatever rotation dropped. A file that was already larger (from an earlier
 * run or a lowered limit) is rotated whole before the next byte is written.
 *
 * <p>The file is opened lazily and reopened after any failure, so a deleted directory or a full
 * disk costs the chunks written meanwhile but not the file for good. Methods are synchronized so
 * {@link #setLimits} and {@link #close} may be called from a thread other than the writer.
 */
public final class RotatingFile implements Closeable {

    private final Path file;
    private long maxBytes;
    private int backups;

    private OutputStream out; // null until opened, after a failure, and after close
    private long size;        // bytes in the current file, valid while out != null
    private boolean closed;

    /**
     * Describes the file without touching the disk; it is created on {@link #open()} or the first write.
     *
     * @param maxBytes rotate when the file would exceed this size; 0 never rotates
     * @param backups  rotated files kept; 0 truncates {@code file} instead of rotating it
     */
    public RotatingFile(Path file, long maxBytes, int backups) {
        this.file = Objects.requireNonNull(file, "file");
        checkLimits(maxBytes, backups);
        this.maxBytes = maxBytes;
        this.backups = backups;
    }

    public Path file() {
        return file;
    }

    /** Opens the file for appending (creating it and its parent directories) unless already open. */
    public synchronized void open() throws IOException {
        if (closed) {
            throw new IOException("log file closed: " + file);
        }
        if (out != null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        openStream(true);
    }

    /**
     * Appends {@code len} bytes, rotating as often as the limits require. On failure the file is
     * closed and reopened by the next call; bytes of this chunk not yet written are lost.
     */
    public synchronized void write(byte[] buf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, buf.length);
        open();
        try {
            while (len > 0) {
                // Rotating only when more bytes arrive keeps an exactly full file in place
                // instead of leaving an empty current file behind.
                if (maxBytes > 0 && size >= maxBytes) {
                    rotate();
                }
                int n = maxBytes > 0 ? (int) Math.min(len, maxBytes - size) : len;
                out.write(buf, off, n);
                size += n;
                off += n;
                len -= n;
            }
        } catch (IOException | RuntimeException e) {
            // The stream may be half closed or the size unknown; start over from the disk next time.
            closeStreamQuietly();
            throw e;
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

    /** Bytes in the current file as last known, 0 when not open. */
    public synchronized long size() {
        return out == null ? 0 : size;
    }

    /** Closes the file; later writes fail. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        OutputStream o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }

    private void rotate() throws IOException {
        OutputStream o = out;
        out = null;
        o.close();
        // Backups beyond the limit (left by a lowered limit) would otherwise sit there forever
        // and break the "concatenate in order" property if the limit went up again.
        for (int i = backups + 1; Files.deleteIfExists(backup(i)); i++) {
            // deleting
        }
        if (backups == 0) {
            openStream(false);
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
            Files.createDirectories(parent);
        }
        openStream(true);
    }

    private void openStream(boolean append) throws IOException {
        // FileOutputStream rather than FileChannel: an interrupt of the writing thread closes a
        // FileChannel, which would turn one interrupt into a lost file. No user-space buffer, so
        // every byte written has reached the OS and close cannot lose any.
        FileOutputStream s = new FileOutputStream(file.toFile(), append);
        long existing;
        try {
            // An existing file's content counts towards maxBytes.
            existing = append ? Files.size(file) : 0;
        } catch (IOException e) {
            s.close();
            throw e;
        }
        out = s;
        size = existing;
    }

    private void closeStreamQuietly() {
        OutputStream o = out;
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
