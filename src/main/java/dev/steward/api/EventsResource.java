package dev.steward.api;

import dev.steward.control.Control;
import dev.steward.events.EventRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.SocketAddress;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The event history, and a live stream of it. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {
    private static final Logger LOG = Logger.getLogger("steward");

    private final Control control;
    private final AtomicInteger subscribers = new AtomicInteger();

    public EventsResource(Control control) {
        this.control = control;
    }

    @GET
    @Operation(summary = "Events oldest first, repeats aggregated; object=process/web-0 filters, limit keeps the newest N")
    public Items<EventDto> list(@QueryParam("object") String object, @QueryParam("limit") String limitParam) {
        int limit = Params.integer("limit", limitParam, 0, Integer.MAX_VALUE).orElse(Integer.MAX_VALUE);
        List<EventRecord> matching = control.events().stream()
                .filter(e -> object == null || object.isBlank() || e.object().equals(object)).toList();
        return new Items<>(matching.subList(Math.max(0, matching.size() - limit), matching.size()).stream()
                .map(EventDto::of).toList());
    }

    /**
     * Server-sent events, one {@code data: {json}} per new or updated event, after the latest one so far.
     * Control calls listeners on the thread that records the event (often the supervision owner), so the
     * records are handed to a worker before anything is written; the subscription is closed when the
     * client goes away.
     *
     * <p>A client that stops reading (a suspended {@code steward get -w}) makes the records wait here, in memory: once
     * more wait than the history keeps, its connection is closed, as Kubernetes' API server closes a watch that
     * cannot keep up, rather than let them grow until the daemon runs out of heap and exits with every program.
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: each new or updated event as data: {json}")
    public Multi<EventDto> stream(@Context HttpServerRequest request) {
        Watch watch = new Watch(request);
        return Multi.createFrom().<EventDto>emitter(watch::start, BackPressureStrategy.BUFFER)
                .emitOn(Infrastructure.getDefaultWorkerPool()).onItem().invoke(watch::taken);
    }

    /** One client's stream: its subscription to the history, and how many records wait to be sent to it. */
    private final class Watch implements Consumer<EventRecord> {
        private final HttpServerRequest request;
        private final AtomicInteger waiting = new AtomicInteger(); // emitted, not yet taken by the response
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile MultiEmitter<? super EventDto> emitter;
        private volatile AutoCloseable subscription;

        Watch(HttpServerRequest request) {
            this.request = request;
        }

        void start(MultiEmitter<? super EventDto> emitter) {
            this.emitter = emitter;
            subscribers.incrementAndGet();
            emitter.onTermination(this::end);
            subscription = control.subscribe(this);
            if (ended.get()) {
                unsubscribe(); // ended while it subscribed
                return;
            }
            // Quarkus sends the response headers with the first event only. The latest event, sent once
            // subscribed, tells a client (`get -w`) at once that nothing from now on can be missed.
            List<EventRecord> recorded = control.events();
            if (!recorded.isEmpty()) {
                send(recorded.get(recorded.size() - 1));
            }
        }

        @Override
        public void accept(EventRecord record) {
            send(record);
            if (control.shutDown()) {
                emitter.complete(); // the last process stopped: nothing more before the daemon exits
            }
        }

        private void send(EventRecord record) {
            if (ended.get()) {
                return;
            }
            int behind = waiting.incrementAndGet();
            if (behind > control.eventsKept()) {
                cutOff(behind - 1);
                return;
            }
            emitter.emit(EventDto.of(record));
        }

        void taken(EventDto sent) {
            waiting.decrementAndGet();
        }

        /** Closes the stream of a client that has {@code behind} records waiting, and says so in the daemon's log. */
        private void cutOff(int behind) {
            if (!end()) {
                return; // already ended, by another thread
            }
            SocketAddress peer = request.remoteAddress();
            String client = peer != null && peer.isInetSocket() ? "the client at " + peer.host() + ":" + peer.port()
                    : "a client on the unix socket";
            LOG.warnf("closed the event stream (GET /api/v1/events/stream, which `steward get -w` reads) of %s: %d events"
                    + " were waiting for it, which it did not read (a client suspended or stuck), and the daemon keeps no"
                    + " more for it; it may connect again", client, behind);
            if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) {
                request.response().reset(); // this stream alone, not the connection's other streams
            } else {
                // At once: Vert.x' own close (and reset) waits for the pending writes, which wait for this client. From the
                // context of Vert.x' handler, the close skips it. The records waiting for the client go with the connection.
                connection.channelHandlerContext().close();
            }
        }

        /** Ends the subscription, once: true for the call that ended it. */
        private boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            subscribers.decrementAndGet();
            unsubscribe();
            return true;
        }

        private void unsubscribe() {
            AutoCloseable current = subscription;
            if (current != null) {
                try {
                    current.close();
                } catch (Exception e) {
                    // nothing left to release
                }
            }
        }
    }

    /** Streams open now (for tests and metrics). */
    int subscribers() {
        return subscribers.get();
    }
}
