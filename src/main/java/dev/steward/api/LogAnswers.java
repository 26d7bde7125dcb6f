package dev.steward.api;

import dev.steward.control.LogTail;
import dev.steward.logs.LogFiles;
import dev.steward.logs.LogSink;
import dev.steward.logs.RingBuffer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The answer to a {@code logs} request: from the in-memory tail when it holds all that was asked, else from the log
 * file and its backups (output older than the tail, or from before this daemon started the process); then, when
 * following, what comes next, from where that answer ended.
 */
@ApplicationScoped
public class LogAnswers {
    /** A ring that never holds anything: a follower of a process that has no sink yet waits on it for the first. */
    private static final RingBuffer NOTHING_YET = new RingBuffer(1);

    private final LogFollower follower;

    public LogAnswers(LogFollower follower) {
        this.follower = follower;
    }

    /**
     * What a request asks for: the last {@code lines} lines (negative: no count) of the last {@code bytes} bytes
     * (negative: no limit, and then without a count the last 64 KiB, what the memory holds at most).
     */
    record Request(String process, boolean stderr, long bytes, int lines, boolean following) {
        long window() {
            return bytes >= 0 ? bytes : lines >= 0 ? -1 : LogSink.RING_BYTES;
        }
    }

    Multi<Buffer> answer(Request request, LogTail logs) {
        // One read gives both the text and the position it ends at, so following loses or repeats nothing.
        RingBuffer.Slice held = logs.ring().read(0);
        if (LogText.holdsAll(held.bytes(), request.window(), request.lines())) {
            return fromMemory(request, held, logs.ring());
        }
        // The memory holds less than was asked: the files may have more. They are read on a worker, not the event loop.
        return onWorker(() -> {
            Optional<LogFiles> files = Optional.empty();
            try {
                files = logs.files();
                if (files.isPresent() && files.get().size() > held.bytes().length) {
                    return fromFiles(request, files.get(), logs.ring());
                }
            } catch (IOException | RuntimeException e) {
                // The memory's answer is still an answer: a file that cannot be read now is no reason to give none.
            }
            files.ifPresent(LogFiles::close);
            return fromMemory(request, held, logs.ring());
        });
    }

    /**
     * The answer from a log file and its backups alone, for a process this daemon has not started (so no memory of
     * it); following, then what its first run writes.
     */
    Multi<Buffer> fromFilesAlone(Request request, String file, int backups) {
        return onWorker(() -> {
            Optional<LogFiles> files = LogFiles.open(Path.of(file), backups, 0);
            return files.isPresent() ? fromFiles(request, files.get(), NOTHING_YET)
                    : fromMemory(request, NOTHING_YET.read(0), NOTHING_YET);
        });
    }

    /** Whether there is a plain log file at {@code file} (one stat: fine on the event loop). */
    static boolean hasFile(String file) {
        return Files.isRegularFile(Path.of(file), LinkOption.NOFOLLOW_LINKS);
    }

    private interface Answer {
        Multi<Buffer> get() throws IOException;
    }

    private static Multi<Buffer> onWorker(Answer answer) {
        return Multi.createFrom().deferred(() -> {
            try {
                return answer.get();
            } catch (IOException e) {
                return Multi.createFrom().failure(e);
            }
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Multi<Buffer> fromMemory(Request request, RingBuffer.Slice held, RingBuffer ring) {
        byte[] text = LogText.lastLines(LogText.lastBytes(held.bytes(), request.window()), request.lines());
        if (!request.following()) {
            return text.length == 0 ? Multi.createFrom().empty() : Multi.createFrom().item(Buffer.buffer(text));
        }
        // Sent even when empty: the status and headers go out with the first chunk, and a follower of a quiet
        // process must learn at once that the request was accepted.
        Multi<Buffer> first = Multi.createFrom().item(Buffer.buffer(text));
        return Multi.createBy().concatenating().streams(first, follower.follow(request.process(), request.stderr(), ring, held.next()));
    }

    /** The files' part of the answer, closing them once sent; following, then what {@code ring} gets after their end. */
    private Multi<Buffer> fromFiles(Request request, LogFiles files, RingBuffer ring) throws IOException {
        Multi<Buffer> text;
        try {
            long start = files.startOfLast(request.window(), request.lines());
            // As in fromMemory: a follower gets a first chunk at once, even an empty one.
            text = start == files.size() && request.following() ? Multi.createFrom().item(Buffer.buffer())
                    : LogChunks.read(files, start);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
        text = text.onTermination().invoke(files::close);
        return request.following()
                ? Multi.createBy().concatenating().streams(text, follower.follow(request.process(), request.stderr(), ring, files.streamEnd()))
                : text;
    }
}
