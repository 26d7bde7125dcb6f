package dev.steward.api;

import java.util.Arrays;

/** Cuts the end of a log down to what was asked: the last N bytes, then the last N lines. */
final class LogText {

    private LogText() {
    }

    /** The last {@code bytes} bytes (all when negative). */
    static byte[] lastBytes(byte[] text, long bytes) {
        return bytes < 0 || bytes >= text.length ? text : Arrays.copyOfRange(text, text.length - (int) bytes, text.length);
    }

    /**
     * The last {@code lines} lines (all when negative). A final line without a line break counts as a
     * line, as {@code tail -n} counts it.
     */
    static byte[] lastLines(byte[] text, int lines) {
        if (lines < 0) {
            return text;
        }
        int start = startOfLastLines(text, lines);
        return start <= 0 ? text : Arrays.copyOfRange(text, start, text.length);
    }

    /**
     * {@code text} from its first whole line on, when its first line began before it (the memory has written over the
     * start): after the first line break; all of it when it has none (a line longer than the memory).
     */
    static byte[] fromFirstWholeLine(byte[] text) {
        int from = afterFirstLineBreak(text);
        return from == 0 ? text : Arrays.copyOfRange(text, from, text.length);
    }

    /** Where the first whole line of {@code bytes} begins, after its first line break; 0 when it has none. */
    static int afterFirstLineBreak(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Whether {@code text}, the end of a stream, holds all of the last {@code bytes} bytes (negative: the whole
     * stream, which it cannot tell) or else the last {@code lines} whole lines of the stream (negative: no count).
     */
    static boolean holdsAll(byte[] text, long bytes, int lines) {
        return (bytes >= 0 && text.length >= bytes) || (lines >= 0 && startOfLastLines(text, lines) >= 0);
    }

    /**
     * Where the last {@code lines} lines of {@code text} start; -1 when it holds fewer, as the line before the first
     * may have begun before it. The line break ending the last line belongs to it, not to an empty line after it.
     */
    private static int startOfLastLines(byte[] text, int lines) {
        int end = text.length;
        if (lines == 0) {
            return end;
        }
        int at = end > 0 && text[end - 1] == '\n' ? end - 1 : end;
        int found = 0;
        while (--at >= 0) {
            if (text[at] == '\n' && ++found == lines) {
                return at + 1;
            }
        }
        return -1;
    }
}
