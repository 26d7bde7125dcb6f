package dev.steward.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A log file and its rotated backups as they stood at one moment, open for reading as one stream (oldest byte
 * first): what {@code logs} reads when the in-memory tail holds less than was asked, such as output written before
 * this daemon started, or more lines than 64 KiB hold. They are opened while the writer waits
 * ({@link RotatingFile#snapshot}), so a rotation afterwards renames or deletes them without changing what is read,
 * and {@link #streamEnd()} says which position of the sink's ring the last byte is, for a follower to go on from.
 */
public final class LogFiles implements Closeable {
    private static final int SCAN_BYTES = 64 * 1024;

    private final List<FileChannel> segments; // oldest first
    private final long[] sizes;                // of each segment at that moment
    private final long size;
    private final long streamEnd;
    private final long heldFrom;

    /**
     * {@code file} and its backups {@code file.1} ... {@code file.<backups>}, opened for reading as they are now,
     * with {@code streamEnd} as the ring position of their end; empty when the path is not a plain file (a symbolic
     * link such as {@code /dev/stdout}, a device, a pipe: nothing to read back) or does not exist. Links are not
     * followed, and a backup that is not a plain file is skipped. With a writer, call it while the writer waits.
     */
    public static Optional<LogFiles> open(Path file, int backups, long streamEnd) throws IOException {
        return open(file, backups, streamEnd, 0);
    }

    /**
     * As {@link #open(Path, int, long)}, with {@code heldFrom}: the stream position from which the files hold every
     * byte up to {@code streamEnd}, the last ones of the files (before it, a write failed or the log moved).
     */
    static Optional<LogFiles> open(Path file, int backups, long streamEnd, long heldFrom) throws IOException {
        Optional<FileChannel> current = openForReading(file); // without it, its backups are no answer
        if (current.isEmpty()) {
            return Optional.empty();
        }
        List<FileChannel> segments = new ArrayList<>();
        try {
            for (int i = backups; i >= 1; i--) {
                openForReading(file.resolveSibling(file.getFileName() + "." + i)).ifPresent(segments::add);
            }
            segments.add(current.get());
            long[] sizes = new long[segments.size()];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = segments.get(i).size();
            }
            return Optional.of(new LogFiles(segments, sizes, streamEnd, heldFrom));
        } catch (IOException | RuntimeException e) {
            closeAll(segments);
            current.get().close();
            throw e;
        }
    }

    /** Empty when the file is gone, or is not a plain file. */
    private static Optional<FileChannel> openForReading(Path path) throws IOException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private LogFiles(List<FileChannel> segments, long[] sizes, long streamEnd, long heldFrom) {
        this.segments = List.copyOf(segments);
        this.sizes = sizes.clone();
        this.size = Arrays.stream(sizes).sum();
        this.streamEnd = streamEnd;
        this.heldFrom = heldFrom;
    }

    /** Bytes in all the files together. */
    public long size() {
        return size;
    }

    /** The ring position just past the last byte the files hold: where a follower goes on. */
    public long streamEnd() {
        return streamEnd;
    }

    /**
     * Where the byte at ring position {@code position} is in the files taken as one stream; -1 when they do not hold
     * it, nor every byte after it up to {@link #streamEnd()} (rotation dropped it, a write failed after it, or it was
     * written before the log moved here).
     */
    public long offsetOf(long position) {
        long fromEnd = streamEnd - position;
        return position >= heldFrom && fromEnd >= 0 && fromEnd <= size ? size - fromEnd : -1;
    }

    /**
     * Where the answer to "the last {@code lines} lines of the last {@code bytes} bytes" starts, as an offset into
     * the files taken as one stream. Negative {@code bytes} or {@code lines} mean no such limit. A last line without
     * a line break counts as a line, as {@code tail -n} counts it.
     */
    public long startOfLast(long bytes, int lines) throws IOException {
        long floor = bytes < 0 ? 0 : Math.max(0, size - bytes);
        if (lines < 0) {
            return floor;
        }
        if (lines == 0) {
            return size;
        }
        long end = size;
        // The line break ending the last line belongs to it, not to an empty line after it.
        byte[] last = end > floor ? read(end - 1, 1) : new byte[0]; // empty if the file shrank since
        if (last.length == 1 && last[0] == '\n') {
            end--;
        }
        int found = 0;
        while (end > floor) {
            long from = Math.max(floor, end - SCAN_BYTES);
            byte[] block = read(from, (int) (end - from));
            for (int i = block.length - 1; i >= 0; i--) {
                if (block[i] == '\n' && ++found == lines) {
                    return from + i + 1;
                }
            }
            if (block.length < end - from) {
                break; // a file shrank under us (truncated): nothing older to find
            }
            end = from;
        }
        return floor;
    }

    /**
     * Up to {@code max} bytes from {@code offset} of the files taken as one stream; fewer at the end, and fewer where
     * a file was truncated since the snapshot (as {@code copytruncate} does): the bytes before it, none after.
     */
    public byte[] read(long offset, int max) throws IOException {
        ByteBuffer into = ByteBuffer.allocate((int) Math.max(0, Math.min(max, size - offset)));
        long segmentStart = 0;
        for (int i = 0; i < segments.size() && into.hasRemaining(); i++) {
            long segmentEnd = segmentStart + sizes[i];
            long at = offset + into.position();
            if (at < segmentEnd && !fill(segments.get(i), at - segmentStart, sizes[i], into)) {
                break;
            }
            segmentStart = segmentEnd;
        }
        return Arrays.copyOf(into.array(), into.position());
    }

    /** Reads from {@code position} up to {@code end} of one file: false when it ends sooner. */
    private static boolean fill(FileChannel file, long position, long end, ByteBuffer into) throws IOException {
        int limit = into.limit();
        into.limit((int) Math.min(limit, into.position() + (end - position)));
        try {
            while (into.hasRemaining()) {
                int n = file.read(into, position);
                if (n < 0) {
                    return false;
                }
                position += n;
            }
            return true;
        } finally {
            into.limit(limit);
        }
    }

    @Override
    public void close() {
        closeAll(segments);
    }

    private static void closeAll(List<FileChannel> files) {
        for (FileChannel file : files) {
            try {
                file.close();
            } catch (IOException ignored) {
                // read-only: nothing can be lost
            }
        }
    }
}
