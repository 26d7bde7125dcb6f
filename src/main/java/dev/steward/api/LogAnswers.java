package dev.steward.api;

import dev.steward.control.Control;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The answer to a {@code logs} request: from the in-memory tail when it holds all that was asked, else from the log
 * file and its backups (output older than the tail, or from before this daemon started the process); then, when
 * following, what comes next, from where that answer ended.
 */
@ApplicationScoped
public class LogAnswers {
    private final LogFollower follower;
    private final Control control;

    public LogAnswers(LogFollower follower, Control control) {
        this.follower = follower;
        this.control = control;
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
        // The memory holds less than was asked: the files may have more. They are read on a worker, not the event loop;
        // the follower after them is not, so that each of its chunks does not wait for a worker.
        AtomicLong followFrom = new AtomicLong(held.next());
        Multi<Buffer> text = onWorker(() -> fromFilesOrMemory(request, logs, held, followFrom));
        return following(request, text, new AtomicReference<>(logs.ring()), followFrom);
    }

    /** On a worker: the answer from the files when they hold more than the memory and all of it, else from memory. */
    private Multi<Buffer> fromFilesOrMemory(Request request, LogTail logs, RingBuffer.Slice held, AtomicLong followFrom) {
        Optional<LogFiles> files = Optional.empty();
        try {
            files = logs.files();
            if (files.isPresent() && holdsMoreThan(files.get(), held, request.following())) {
                return fromFiles(request, files.get(), logs, followFrom);
            }
        } catch (IOException | RuntimeException e) {
            // The memory's answer is still an answer: a file that cannot be read now is no reason to give none.
        }
        files.ifPresent(LogFiles::close);
        followFrom.set(held.next());
        return memoryText(request, held);
    }

    /**
     * Whether the files hold more than the memory and all of it, so that an answer from them leaves nothing out: not
     * when the log path moved, or a write failed, since what the memory holds; nor, unless following, when output has
     * reached the memory but not the files (late output of a closed sink).
     */
    private static boolean holdsMoreThan(LogFiles files, RingBuffer.Slice held, boolean following) {
        return files.size() > held.bytes().length && files.offsetOf(held.start()) >= 0
                && (following || files.streamEnd() >= held.next());
    }

    /**
     * The answer from a log file and its backups alone, for a process this daemon has not started (so no memory of
     * it); following, then what its first run writes.
     */
    Multi<Buffer> fromFilesAlone(Request request, String file, int backups) {
        AtomicLong followFrom = new AtomicLong(0);
        AtomicReference<RingBuffer> ring = new AtomicReference<>(LogFollower.NOTHING_YET);
        Multi<Buffer> text = onWorker(() -> {
            // The files first, then the sink: a sink made meanwhile (its process started) has written nothing the
            // files lack before they were opened, so the follower takes its ring from the start.
            Optional<LogFiles> files = LogFiles.open(Path.of(file), backups, 0);
            Optional<LogTail> started = control.logs(request.process(), request.stderr());
            if (started.isPresent()) {
                files.ifPresent(LogFiles::close);
                ring.set(started.get().ring());
                return fromFilesOrMemory(request, started.get(), started.get().ring().read(0), followFrom);
            }
            return files.isPresent() ? fromFiles(request, files.get(), null, followFrom) : Multi.createFrom().empty();
        });
        return following(request, text, ring, followFrom);
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
        if (!request.following()) {
            return memoryText(request, held);
        }
        // Sent even when empty: the status and headers go out with the first chunk, and a follower of a quiet
        // process must learn at once that the request was accepted.
        Buffer text = Buffer.buffer(cut(request, held));
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(text),
                follower.follow(request.process(), request.stderr(), ring, held.next(), endsInsideLine(text, false)));
    }

    private static Multi<Buffer> memoryText(Request request, RingBuffer.Slice held) {
        byte[] text = cut(request, held);
        return text.length == 0 ? Multi.createFrom().empty() : Multi.createFrom().item(Buffer.buffer(text));
    }

    /** What the request asks for of the memory's bytes. */
    private static byte[] cut(Request request, RingBuffer.Slice held) {
        byte[] text = LogText.lastLines(LogText.lastBytes(held.bytes(), request.window()), request.lines());
        if (request.lines() >= 0 && request.bytes() < 0 && !held.startsLine() && text.length == held.bytes().length) {
            // Fewer lines than asked (--tail), and the memory no longer holds the start of its first: lines, not a piece
            return LogText.fromFirstWholeLine(text);
        }
        return text;
    }

    /**
     * {@code text}, then (following) what {@code ring} gets from {@code followFrom}, both as they stand once text has
     * ended.
     */
    private Multi<Buffer> following(Request request, Multi<Buffer> text, AtomicReference<RingBuffer> ring, AtomicLong followFrom) {
        if (!request.following()) {
            return text;
        }
        Multi<Buffer> first = Multi.createFrom().item(Buffer.buffer()); // headers at once, as in fromMemory
        AtomicBoolean lineOpen = new AtomicBoolean();
        Multi<Buffer> sent = text.onItem().invoke(chunk -> lineOpen.set(endsInsideLine(chunk, lineOpen.get())));
        return Multi.createBy().concatenating().streams(first, sent, Multi.createFrom().deferred(() ->
                follower.follow(request.process(), request.stderr(), ring.get(), followFrom.get(), lineOpen.get())));
    }

    /**
     * Whether what was sent up to {@code chunk} ends inside a line, {@code before} being whether it did before it: the
     * follower ends such a line should what comes next be skipped.
     */
    private static boolean endsInsideLine(Buffer chunk, boolean before) {
        return chunk.length() == 0 ? before : chunk.getByte(chunk.length() - 1) != '\n';
    }

    /**
     * The files' part of the answer, closing them once sent, and setting {@code followFrom} to the ring position of
     * their end. Following ({@code logs} given), then what the ring no longer holds of what came since, from newer
     * snapshots of the files, so that a client that took long over a long answer misses nothing the files have.
     */
    private Multi<Buffer> fromFiles(Request request, LogFiles files, LogTail logs, AtomicLong followFrom) throws IOException {
        long start;
        try {
            start = files.startOfLast(request.window(), request.lines());
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
        followFrom.set(files.streamEnd());
        Multi<Buffer> text = LogChunks.read(files, start).onTermination().invoke(files::close);
        if (!request.following() || logs == null) {
            return text;
        }
        return Multi.createBy().concatenating().streams(text, Multi.createFrom().deferred(() -> catchUp(logs, followFrom)));
    }

    /**
     * What came after {@code followFrom} that the ring has already written over, read from the files, until the ring
     * holds the position again; empty when it does, or the files do not hold it either. One round per snapshot of the
     * files, in a loop rather than nested, as a client slower than the writer may need rounds; what the ring loses
     * once following has begun, the follower reads from the files in the same way ({@link LogFollower}).
     */
    private static Multi<Buffer> catchUp(LogTail logs, AtomicLong followFrom) {
        return Multi.createBy().repeating().supplier(() -> missed(logs, followFrom)).until(Optional::isEmpty)
                .onItem().transformToMultiAndConcatenate(round -> {
                    LogTail.FilesFrom from = round.orElseThrow();
                    return LogChunks.read(from.files(), from.offset()).onTermination().invoke(from.files()::close);
                });
    }

    /** The next round of a catch-up, with {@code followFrom} moved on to its end; empty when it is not needed or held. */
    private static Optional<LogTail.FilesFrom> missed(LogTail logs, AtomicLong followFrom) {
        long position = followFrom.get();
        if (logs.ring().read(position, position).start() <= position) { // where the ring starts, no bytes copied
            return Optional.empty();
        }
        Optional<LogTail.FilesFrom> round;
        try {
            round = logs.filesFrom(position);
        } catch (IOException e) {
            return Optional.empty();
        }
        round.ifPresent(from -> followFrom.set(from.files().streamEnd()));
        return round;
    }
}
