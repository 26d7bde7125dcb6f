package dev.steward.cli;

import dev.steward.logs.LogSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Copies one log stream to the output, each line whole and, when asked, begun with a prefix such as
 * {@code [process/web-0] } (kubectl logs' {@code --prefix}): several streams followed at once then interleave line by
 * line, never inside a line. A line that has not ended yet waits for its end, or for the stream's (or its failure's);
 * one longer than {@link #MAX_LINE} is written in pieces of that size, each ended, as the daemon cuts a shared log
 * file's lines, wherever the reads happen to split it.
 */
final class LogLines {
    static final int MAX_LINE = LogSink.MAX_LINE; // a compile-time constant: the client loads no daemon class

    private final PrintStream out;
    private final Object lock;
    private final byte[] prefix;
    private final byte[] line = new byte[MAX_LINE + 1]; // a line and its newline
    private int length;
    private boolean cut; // the last line was cut at MAX_LINE: a newline right after it ends nothing more

    /** @param lock what the streams that share {@code out} write under */
    LogLines(PrintStream out, Object lock, String prefix) {
        this.out = out;
        this.lock = lock;
        this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Copies {@code body} to its end, or until the output's reader has gone; returns how many bytes it had.
     *
     * @param following flush whenever the stream has nothing more to read for now, as a follower must
     */
    long copy(InputStream body, boolean following) throws IOException {
        byte[] buffer = new byte[8192];
        long read = 0;
        try {
            int n;
            while ((n = body.read(buffer)) > 0) {
                read += n;
                for (int i = 0; i < n; i++) {
                    take(buffer[i]);
                }
                if (following && body.available() == 0) {
                    synchronized (lock) {
                        out.flush();
                    }
                    if (out.checkError()) { // the reader went away (| head): stop following
                        return read;
                    }
                }
            }
        } finally { // the stream ended, or failed, inside a line: what it wrote of it is still shown
            if (length > 0) {
                line[length++] = '\n';
                writeLine();
            }
        }
        return read;
    }

    private void take(byte b) {
        if (cut) {
            cut = false;
            if (b == '\n') {
                return;
            }
        }
        line[length++] = b;
        if (b == '\n') {
            writeLine();
        } else if (length == MAX_LINE) { // a line without end: it must not hold the client's memory
            line[length++] = '\n';
            writeLine();
            cut = true;
        }
    }

    private void writeLine() {
        synchronized (lock) {
            out.write(prefix, 0, prefix.length);
            out.write(line, 0, length);
        }
        length = 0;
    }
}
