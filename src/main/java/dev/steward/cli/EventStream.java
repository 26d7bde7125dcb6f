package dev.steward.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code GET /events/stream} (server-sent events), read on a thread of its own into a queue: it is
 * opened before the list a watch starts with, so events that happen while the list is fetched are
 * not lost, and a stream whose headers come late does not hold the list up. The queue is bounded: when
 * the command's output blocks (a pager, a suspended pipe), the reader stops reading, and the daemon,
 * not this client's heap, deals with a client that fell behind (it cuts it off, and says so).
 */
final class EventStream implements AutoCloseable {
    private static final Object END = new Object();
    /** Events read ahead of the output: far more than a burst, few enough to keep the heap small. */
    static final int READ_AHEAD = 1024;

    private final BlockingQueue<Object> queue;
    private final CountDownLatch connected = new CountDownLatch(1);
    private volatile HttpTransport.Response response;
    private volatile RuntimeException connectFailure;
    private volatile RuntimeException failure;
    private volatile boolean closed;

    private EventStream(int readAhead) {
        queue = new LinkedBlockingQueue<>(readAhead);
    }

    /** Connects (waiting up to two seconds for the daemon to answer) and starts reading. */
    static EventStream open(Api api) throws InterruptedException {
        return open(api, READ_AHEAD);
    }

    static EventStream open(Api api, int readAhead) throws InterruptedException {
        EventStream stream = new EventStream(readAhead);
        Thread reader = new Thread(() -> stream.read(api), "steward-event-stream");
        reader.setDaemon(true);
        reader.start();
        stream.connected.await(2, TimeUnit.SECONDS);
        if (stream.connectFailure != null) {
            throw stream.connectFailure;
        }
        return stream;
    }

    private void read(Api api) {
        try {
            response = api.stream("/events/stream", "text/event-stream");
            connected.countDown();
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body, StandardCharsets.UTF_8));
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    dispatch(data);
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
                // ':' comments (keep-alives), event: and id: lines carry nothing the client needs
            }
            dispatch(data);
            failure = new CliException(StewardCli.EXIT_UNREACHABLE, "the daemon closed the event stream (did it stop?)");
        } catch (IOException e) {
            CliException lost = api.failure(e);
            if (response != null) {
                // Cut off mid-stream: the daemon died, or it closed the stream of a client that fell behind (its log says so).
                lost = new CliException(lost.exitCode(), lost.getMessage() + " (the daemon went away, or it closed the event"
                        + " stream because this client stopped reading it, suspended with Ctrl-Z say: its log says which; run"
                        + " the command again)");
            }
            failure = closed ? null : lost;
            if (response == null) {
                connectFailure = failure;
            }
        } catch (RuntimeException e) {
            failure = e;
            if (response == null) {
                connectFailure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connected.countDown();
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void dispatch(StringBuilder data) throws InterruptedException {
        if (data.length() == 0) {
            return;
        }
        try {
            queue.put(Json.parse(data.toString()));
        } catch (IllegalArgumentException notAnEvent) {
            // not JSON: nothing to show
        }
        data.setLength(0);
    }

    /** Calls {@code onEvent} for every event until the stream ends, then throws why it ended. */
    void forEach(Consumer<Object> onEvent) throws InterruptedException {
        forEachBurst(burst -> burst.forEach(onEvent));
    }

    /**
     * Calls {@code onBurst} with every event read so far, in order, until the stream ends, then throws why it ended.
     * A watch that lists again at each event (get programs -w) does so once per burst: once per event, it fell behind a
     * burst (restart all), stopped reading at its read-ahead, and the daemon cut it off.
     */
    void forEachBurst(Consumer<List<Object>> onBurst) throws InterruptedException {
        while (true) {
            List<Object> burst = new ArrayList<>();
            burst.add(queue.take());
            queue.drainTo(burst);
            boolean isLast = burst.get(burst.size() - 1) == END; // the reader puts nothing after END
            if (isLast) {
                burst.remove(burst.size() - 1);
            }
            if (!burst.isEmpty()) {
                onBurst.accept(burst);
            }
            if (isLast) {
                throw ended();
            }
        }
    }

    private RuntimeException ended() {
        return failure != null ? failure
                : new CliException(StewardCli.EXIT_UNREACHABLE, "the daemon closed the event stream (did it stop?)");
    }

    /** Whether the reader has read as far ahead as it may (and waits for the output to catch up). */
    boolean readAheadFull() {
        return queue.remainingCapacity() == 0;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        HttpTransport.Response r = response;
        if (r != null) {
            r.close();
        }
    }
}
