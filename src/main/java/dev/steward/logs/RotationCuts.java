package dev.steward.logs;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Where a chunk of output is cut between the files of a {@link RotatingFile}: the lines that fit go into the current
 * file, and a rotation falls at a line's end (or, for the line under way, after its end when that comes within
 * {@link RotatingFile#LINE_OVERSHOOT} past {@code maxBytes}; else exactly at {@code maxBytes}). Only the cutting: no
 * file is touched, so that a chunk can also be cut up without writing it ({@link #oldestKept}).
 */
final class RotationCuts {
    /** {@link #nextPart}'s answer when the file is rotated before the next byte. */
    static final long ROTATE_FIRST = 0;
    /** Added to {@link #nextPart}'s length when the file is rotated after that part. */
    static final long THEN_ROTATE = 1L << 32;

    /**
     * Where writing starts again after the files that a chunk would fill and rotate away at once.
     *
     * @param position    the chunk's position of the first byte of the oldest file kept, which opens empty
     * @param writesLines whether the output had ended a line before that byte ({@link #nextPart}'s argument)
     */
    record Start(int position, boolean writesLines) {
    }

    private final ByteBuffer chunk;
    private final long maxBytes;
    private int searchedFrom = Integer.MAX_VALUE; // the first line break at or after it is lineBreak (limit: none)
    private int lineBreak;

    /** Cuts {@code chunk}, from its position to its limit (which it does not change), for files of {@code maxBytes} (> 0). */
    RotationCuts(ByteBuffer chunk, long maxBytes) {
        this.chunk = chunk;
        this.maxBytes = maxBytes;
    }

    /**
     * How many of the chunk's bytes from {@code at} go into a file that holds {@code size} bytes, whose last byte ended a
     * line or not ({@code atLineEnd}): {@link #ROTATE_FIRST} when none (it is rotated first), else that many, plus
     * {@link #THEN_ROTATE} when they end at a line's end short of maxBytes and the next line starts the next file.
     * {@code writesLines}: whether the output has ended a line before, so that it is text in lines, whose line under way
     * may end in the next chunk (a pipe's read may end inside a line); else a line with no end in sight is cut.
     */
    long nextPart(int at, long size, boolean atLineEnd, boolean writesLines) {
        int remaining = chunk.limit() - at;
        long room = maxBytes - size;
        if (room <= 0) {
            // Full: the line under way ends in this file first, if it does soon; else the next file starts now.
            // (Rotating only when more bytes arrive keeps an exactly full file in place instead of leaving an
            // empty current file behind.)
            return atLineEnd ? ROTATE_FIRST : restOfLine(at, maxBytes + RotatingFile.LINE_OVERSHOOT - size, writesLines);
        }
        if (remaining <= room) {
            return remaining;
        }
        int lines = linesThatFit(at, (int) room);
        if (lines > 0) {
            return lines + THEN_ROTATE;
        }
        if (size > 0 && atLineEnd) {
            return ROTATE_FIRST; // the next line starts the next file
        }
        int rest = restOfLine(at, room + RotatingFile.LINE_OVERSHOOT, writesLines);
        return rest > 0 ? rest : room; // a line longer than that is cut at maxBytes, as it must be
    }

    /**
     * Cuts the chunk up as {@link #nextPart} does, without writing it, from a file of {@code size} bytes: when that
     * rotates more often than {@code backups}, where the oldest of the files it leaves begins, all before it going
     * into files rotated away before the chunk ends. Empty when it rotates {@code backups} times or fewer.
     */
    Optional<Start> oldestKept(long size, boolean atLineEnd, boolean writesLines, int backups) {
        int kept = (int) Math.min(backups + 1L, chunk.remaining() + 2L); // a part after a rotation is a byte or more
        int[] starts = new int[kept]; // of the latest files begun, by rotation number modulo kept
        boolean[] linesBefore = new boolean[kept];
        int rotations = 0;
        int at = chunk.position();
        long filled = size;
        boolean endedLine = atLineEnd;
        boolean lines = writesLines;
        while (at < chunk.limit()) {
            long part = nextPart(at, filled, endedLine, lines);
            if (part != ROTATE_FIRST) {
                at += (int) part;
                filled += (int) part;
                endedLine = chunk.get(at - 1) == '\n';
                lines |= endedLine;
            }
            if (part == ROTATE_FIRST || (part >= THEN_ROTATE && at < chunk.limit())) {
                starts[rotations % kept] = at;
                linesBefore[rotations % kept] = lines;
                rotations++;
                filled = 0; // a new file opens empty
                endedLine = false;
            }
        }
        if (rotations <= backups) {
            return Optional.empty();
        }
        int oldest = (rotations - backups - 1) % kept;
        return Optional.of(new Start(starts[oldest], linesBefore[oldest]));
    }

    /**
     * How many bytes from {@code at}, up to {@code room}, end at the last line break among them: the lines that fit in a
     * file with that room; 0 when none ends there. A file then ends at a line's end, as supervisord's do (it writes
     * whole chunks), and reads on its own (grep, a log shipper that follows renames); together they are still the stream.
     */
    private int linesThatFit(int at, int room) {
        int end = at + Math.min(room, chunk.limit() - at);
        if (lineBreakFrom(at) >= end) {
            return 0;
        }
        for (int i = end - 1; i >= at; i--) {
            if (chunk.get(i) == '\n') {
                return i - at + 1;
            }
        }
        return 0;
    }

    /**
     * How many bytes from {@code at} finish the line under way, within {@code allowance}: through its line break; all
     * that is left of the chunk when the line goes on past it and {@code writesLines}; else 0 (no line end in sight:
     * binary output, or a line too long).
     */
    private int restOfLine(int at, long allowance, boolean writesLines) {
        int lineEnd = lineBreakFrom(at);
        if (lineEnd < chunk.limit() && lineEnd - at < allowance) {
            return lineEnd - at + 1;
        }
        int remaining = chunk.limit() - at;
        return writesLines && remaining <= allowance ? remaining : 0;
    }

    /**
     * The first line break at or after {@code at}, or the limit when there is none. Found once for all the positions up
     * to it: output with no line break, cut every few bytes by a tiny maxBytes, was searched to the end at every cut.
     */
    private int lineBreakFrom(int at) {
        if (at < searchedFrom || at > lineBreak) {
            searchedFrom = at;
            lineBreak = at;
            while (lineBreak < chunk.limit() && chunk.get(lineBreak) != '\n') {
                lineBreak++;
            }
        }
        return lineBreak;
    }
}
