package dev.steward.api;

import java.util.Arrays;

/** Cuts the in-memory tail of a log down to what was asked: the last N bytes, then the last N lines. */
final class LogText {

    private LogText() {
    }

    /** The last {@code bytes} bytes (all when negative). */
    static byte[] lastBytes(byte[] text, int bytes) {
        return bytes < 0 || bytes >= text.length ? text : Arrays.copyOfRange(text, text.length - bytes, text.length);
    }

    /**
     * The last {@code lines} lines (all when negative). A final line without a line break counts as a
     * line, as {@code tail -n} counts it.
     */
    static byte[] lastLines(byte[] text, int lines) {
        if (lines < 0) {
            return text;
        }
        if (lines == 0) {
            return new byte[0];
        }
        int end = text.length;
        // The line break ending the last line belongs to it, not to an empty line after it.
        int at = end > 0 && text[end - 1] == '\n' ? end - 1 : end;
        int found = 0;
        while (--at >= 0) {
            if (text[at] == '\n' && ++found == lines) {
                return Arrays.copyOfRange(text, at + 1, end);
            }
        }
        return text;
    }
}
