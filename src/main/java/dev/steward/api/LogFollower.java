package dev.steward.api;

import dev.steward.control.Control;
import dev.steward.control.LogTail;
import dev.steward.logs.LogFiles;
import dev.steward.logs.RingBuffer;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams new output of a process as it arrives, for {@code logs?follow=true}.
 *
 * <p>It polls the process's in-memory ring every {@value #POLL_MILLIS} ms from a Vert.x timer (a ring
 * read is a short copy under a lock, fine on the event loop; no thread is held per follower), and every
 * {@value #BUSY_POLL_MILLIS} ms while each poll finds {@value #BUSY_BYTES} bytes or more: at one poll per
 * 100 ms a writer of more than 640 KiB/s overran the 64 KiB ring between polls, and the follower skipped
 * output it could have had. It keeps
 * its place by absolute ring position, so rotation of the log files does not matter. Output the ring wrote over
 * before a poll could send it (a burst of more than 64 KiB, a fast writer, a slow client) is read from the log files
 * when they still hold it, a chunk per poll on a worker, and skipped only when they do not, up to the first whole line
 * the ring holds; a line sent in part before the skip, whose end was skipped, gets a line break. When the process
 * is restarted with new log settings it gets a new ring, which is followed from its start. A process renamed by a scale
 * ({@code web} becomes {@code web-0} when 1 replica becomes 2, and back) is followed under its new name: it writes into
 * the same ring. The stream ends when the process is gone, or its stream is (stderr now redirected into stdout), or the
 * daemon, shutting down, has stopped everything, and stops polling as soon as the client disconnects.
 */
@ApplicationScoped
public class LogFollower {
    static final long POLL_MILLIS = 100;
    static final long BUSY_POLL_MILLIS = 10;
    static final int BUSY_BYTES = 4096;
    /** {@code pollOnce}'s answer when a worker reads the files and schedules the next poll itself. */
    private static final int READING_FILES = -1;
    private static final byte[] NONE = new byte[0];
    /** A ring that never holds anything: a follower of a process that has no sink yet waits on it for the first. */
    static final RingBuffer NOTHING_YET = new RingBuffer(1);

    private final Control control;
    private final Vertx vertx;
    private final AtomicInteger active = new AtomicInteger();

    public LogFollower(Control control, Vertx vertx) {
        this.control = control;
        this.vertx = vertx;
    }

    /**
     * Output written to {@code ring} from {@code position} on, then whatever comes next; {@code lineOpen}: whether what
     * was sent before ended inside a line.
     */
    Multi<Buffer> follow(String process, boolean stderr, RingBuffer ring, long position, boolean lineOpen) {
        return Multi.createFrom().emitter(emitter -> {
            active.incrementAndGet();
            String[] name = {process};
            RingBuffer[] current = {ring};
            long[] next = {position};
            long[] skipFrom = {-1}; // where the files were found not to hold what the ring lost: skipped from there
            long[] sentEnd = {position}; // the position just past the last byte sent, by the answer before or by this
            boolean[] open = {lineOpen}; // whether that byte was no line break
            long[] timer = {0};
            boolean[] ended = {false};
            Handler<Long> poll = new Handler<>() {
                @Override
                public void handle(Long id) {
                    int sent = 0;
                    try {
                        sent = pollOnce();
                    } finally {
                        // Even after a failure: the periodic timer this replaced outlived a tick that threw.
                        if (sent != READING_FILES) {
                            schedule(nextPollMillis(sent));
                        }
                    }
                }

                private void schedule(long millis) {
                    synchronized (ended) {
                        if (!ended[0]) {
                            timer[0] = vertx.setTimer(millis, this);
                        }
                    }
                }

                /** Sends what came since the last poll: the number of bytes, 0 when nothing could be sent. */
                private int pollOnce() {
                    if (emitter.requested() <= 0) {
                        // A slow client: leave the bytes in the ring instead of queueing them here; if it falls more
                        // than the ring behind, the log files give what the ring lost (readFiles), memory stays bounded.
                        return 0;
                    }
                    Optional<LogTail> tail = control.logs(name[0], stderr);
                    if (tail.isEmpty() && current[0] != NOTHING_YET) {
                        Optional<String> renamed = control.processWriting(current[0], stderr);
                        if (renamed.isPresent()) {
                            name[0] = renamed.get();
                            tail = control.logs(name[0], stderr);
                        }
                    }
                    if (tail.isEmpty()) {
                        // The process is gone, or the stream followed is (stderr now redirected into stdout, whose
                        // new run writes to stdout alone): nothing more will come. What was written since the last
                        // poll (last words on a stop) is still in the ring, which outlives its sink.
                        if (control.process(name[0]).isEmpty() || current[0] != NOTHING_YET) {
                            sendRest(current[0].read(next[0]));
                            emitter.complete();
                        }
                        return 0;
                    }
                    if (tail.get().ring() != current[0]) {
                        current[0] = tail.get().ring();
                        next[0] = 0;
                        skipFrom[0] = -1; // a position of the old ring's
                    }
                    RingBuffer.Slice slice = current[0].read(next[0]);
                    if (slice.start() > next[0] && skipFrom[0] != next[0]) {
                        readFiles(tail.get(), current[0], next[0]);
                        return READING_FILES;
                    }
                    if (slice.bytes().length > 0) {
                        sendRest(slice);
                    } else if (control.shutDown()) {
                        emitter.complete(); // every process stopped, all output sent: the daemon exits next
                    }
                    return slice.bytes().length;
                }

                /** Sends {@code slice}, read from {@code next}, and moves {@code next} past it. */
                private void sendRest(RingBuffer.Slice slice) {
                    // Skipping what neither the ring nor the files hold: the ring's oldest byte is inside a line
                    // whose start is lost, and that piece must not pass for a line; the next line is whole.
                    int from = slice.start() > next[0] && !slice.startsLine() ? LogText.afterFirstLineBreak(slice.bytes()) : 0;
                    next[0] = slice.next();
                    send(slice.start(), slice.bytes(), from);
                }

                /**
                 * Sends {@code bytes} from index {@code from}, the first of them at ring position {@code start} + from.
                 * After a skip, a line whose end was lost with what was skipped is ended first: else the next line
                 * sent would run on from its start, one line made of two.
                 */
                private void send(long start, byte[] bytes, int from) {
                    if (from >= bytes.length) {
                        return;
                    }
                    boolean endCutLine = open[0] && start + from != sentEnd[0];
                    Buffer out = Buffer.buffer(bytes.length - from + (endCutLine ? 1 : 0));
                    if (endCutLine) {
                        out.appendByte((byte) '\n');
                    }
                    emitter.emit(out.appendBytes(bytes, from, bytes.length - from));
                    sentEnd[0] = start + bytes.length;
                    open[0] = bytes[bytes.length - 1] != '\n';
                }

                /**
                 * The ring wrote over {@code from} before it could be sent: a chunk from there out of the log files, on a
                 * worker; when they do not hold it either, the next poll skips ahead to what the ring holds.
                 */
                private void readFiles(LogTail logs, RingBuffer ring, long from) {
                    vertx.executeBlocking(() -> missed(logs, from), false).onComplete(read -> {
                        try {
                            byte[] bytes = read.succeeded() ? read.result() : NONE;
                            if (ring != current[0] || next[0] != from) {
                                return; // a new ring meanwhile: the next poll starts it over
                            }
                            if (bytes.length == 0) {
                                skipFrom[0] = from;
                            } else {
                                next[0] = from + bytes.length;
                                send(from, bytes, 0);
                            }
                        } finally {
                            schedule(1); // at once: more may be missed, or the ring read from where it skipped to
                        }
                    });
                }
            };
            synchronized (ended) {
                timer[0] = vertx.setTimer(POLL_MILLIS, poll);
            }
            emitter.onTermination(() -> {
                synchronized (ended) {
                    ended[0] = true;
                    vertx.cancelTimer(timer[0]);
                }
                active.decrementAndGet();
            });
        });
    }

    /** Up to a chunk of the log files from ring position {@code from}; empty when they do not hold it. */
    static byte[] missed(LogTail logs, long from) throws IOException {
        Optional<LogTail.FilesFrom> held = logs.filesFrom(from);
        if (held.isEmpty()) {
            return NONE;
        }
        try (LogFiles files = held.get().files()) {
            return files.read(held.get().offset(), LogChunks.CHUNK_BYTES);
        }
    }

    /** How long until the next poll, after one that sent {@code sent} bytes: soon while the output keeps coming. */
    static long nextPollMillis(int sent) {
        return sent >= BUSY_BYTES ? BUSY_POLL_MILLIS : POLL_MILLIS;
    }

    /** Followers streaming now (for tests and metrics). */
    public int active() {
        return active.get();
    }
}
