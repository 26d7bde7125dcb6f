package dev.steward.api;

import dev.steward.control.Control;
import dev.steward.control.LogTail;
import dev.steward.logs.RingBuffer;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
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
 * its place by absolute ring position, so rotation of the log files does not matter. When the process
 * is restarted with new log settings it gets a new ring, which is followed from its start. The stream
 * ends when the process is gone or the daemon, shutting down, has stopped everything, and stops polling as
 * soon as the client disconnects.
 */
@ApplicationScoped
public class LogFollower {
    static final long POLL_MILLIS = 100;
    static final long BUSY_POLL_MILLIS = 10;
    static final int BUSY_BYTES = 4096;

    private final Control control;
    private final Vertx vertx;
    private final AtomicInteger active = new AtomicInteger();

    public LogFollower(Control control, Vertx vertx) {
        this.control = control;
        this.vertx = vertx;
    }

    /** Output written to {@code ring} from {@code position} on, then whatever comes next. */
    Multi<Buffer> follow(String process, boolean stderr, RingBuffer ring, long position) {
        return Multi.createFrom().emitter(emitter -> {
            active.incrementAndGet();
            RingBuffer[] current = {ring};
            long[] next = {position};
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
                        synchronized (ended) {
                            if (!ended[0]) {
                                timer[0] = vertx.setTimer(nextPollMillis(sent), this);
                            }
                        }
                    }
                }

                /** Sends what came since the last poll: the number of bytes, 0 when nothing could be sent. */
                private int pollOnce() {
                    if (emitter.requested() <= 0) {
                        // A slow client: leave the bytes in the ring instead of queueing them here; if it falls more
                        // than the ring behind, it skips ahead (as kubectl logs -f does), memory stays bounded.
                        return 0;
                    }
                    Optional<LogTail> tail = control.logs(process, stderr);
                    if (tail.isEmpty()) {
                        if (control.process(process).isEmpty()) {
                            emitter.complete(); // the process is gone: nothing more will come
                        }
                        return 0;
                    }
                    if (tail.get().ring() != current[0]) {
                        current[0] = tail.get().ring();
                        next[0] = 0;
                    }
                    RingBuffer.Slice slice = current[0].read(next[0]);
                    if (slice.bytes().length > 0) {
                        next[0] = slice.next();
                        emitter.emit(Buffer.buffer(slice.bytes()));
                    } else if (control.shutDown()) {
                        emitter.complete(); // every process stopped, all output sent: the daemon exits next
                    }
                    return slice.bytes().length;
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

    /** How long until the next poll, after one that sent {@code sent} bytes: soon while the output keeps coming. */
    static long nextPollMillis(int sent) {
        return sent >= BUSY_BYTES ? BUSY_POLL_MILLIS : POLL_MILLIS;
    }

    /** Followers streaming now (for tests and metrics). */
    public int active() {
        return active.get();
    }
}
