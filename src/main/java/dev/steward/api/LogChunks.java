package dev.steward.api;

import dev.steward.logs.LogFiles;
import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Log files sent in chunks, each read when the client has taken the one before: a long log costs the daemon one
 * chunk of memory at a time, however much of it is asked for.
 */
final class LogChunks {
    static final int CHUNK_BYTES = 64 * 1024;

    private LogChunks() {
    }

    /** The files' bytes from {@code start} to their end, read on whatever thread asks for the next chunk. */
    static Multi<Buffer> read(LogFiles files, long start) {
        return Multi.createFrom().generator(() -> start, (at, out) -> {
            long expected = Math.min(CHUNK_BYTES, files.size() - at);
            if (expected <= 0) {
                out.complete();
                return at;
            }
            try {
                byte[] chunk = files.read(at, (int) expected);
                if (chunk.length > 0) {
                    out.emit(Buffer.buffer(chunk));
                }
                if (chunk.length < expected) {
                    out.complete(); // a file was truncated since: what followed it is gone
                }
                return at + chunk.length;
            } catch (IOException e) {
                out.fail(e);
                return at;
            }
        });
    }
}
