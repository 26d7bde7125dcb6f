package dev.steward.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Copies one log stream to the output, each line whole and, when asked, begun with a prefix such as
 * {@code [process/web-0] } (kubectl logs' {@code --prefix}): several streams followed at once then interleave line by
 * line, never inside a line. A line that has not ended yet waits for its end, or for the stream's; one longer than
 * {@link #MAX_LINE} is written in pieces of that size, each ended, as the daemon cuts a shared log file's lines.
 */
final class LogLines {
    static final int MAX_LINE = 16 * 1024;

    private final PrintStream out;
    private final Object lock;
    private final byte[] prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** @param lock what the streams that share {@code out} write under */
    LogLines(PrintStream out, Object lock, String prefix) {
        this.out = out;
        this.lock = lock;
        this.prefix = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Copies {@code body} to its end; returns how many bytes it had.
     *
     * @param following flush whenever the stream has nothing more to read for now, as a follower must
     */
    long copy(InputStream body, boolean following) throws IOException {
        byte[] buffer = new byte[8192];
        long read = 0;
        int n;
        while ((n = body.read(buffer)) > 0) {
            read += n;
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.write(buffer, start, i + 1 - start);
                    writeLine();
                    start = i + 1;
                }
            }
            for (int piece = start; piece < n; ) {
                int take = Math.min(n - piece, MAX_LINE - line.size());
                line.write(buffer, piece, take);
                piece += take;
                if (line.size() >= MAX_LINE) { // a line without end: it must not hold the client's memory
                    line.write('\n');
                    writeLine();
                }
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
        if (line.size() > 0) { // the stream ended inside a line
            line.write('\n');
            writeLine();
        }
        return read;
    }

    private void writeLine() {
        synchronized (lock) {
            out.write(prefix, 0, prefix.length);
            out.write(line.toByteArray(), 0, line.size());
        }
        line.reset();
    }
}
