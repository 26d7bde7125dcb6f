package dev.steward.api;

import dev.steward.control.Control;
import dev.steward.events.EventRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The event history, and a live stream of it. */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventsResource {

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
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: each new or updated event as data: {json}")
    public Multi<EventDto> stream() {
        return Multi.createFrom().<EventDto>emitter(emitter -> {
            subscribers.incrementAndGet();
            AutoCloseable subscription = control.subscribe(record -> {
                emitter.emit(EventDto.of(record));
                if (control.shutDown()) {
                    emitter.complete(); // the last process stopped: nothing more before the daemon exits
                }
            });
            // Quarkus sends the response headers with the first event only. The latest event, sent once
            // subscribed, tells a client (`get -w`) at once that nothing from now on can be missed.
            List<EventRecord> recorded = control.events();
            if (!recorded.isEmpty()) {
                emitter.emit(EventDto.of(recorded.get(recorded.size() - 1)));
            }
            emitter.onTermination(() -> {
                subscribers.decrementAndGet();
                try {
                    subscription.close();
                } catch (Exception e) {
                    // nothing left to release
                }
            });
        }, BackPressureStrategy.BUFFER).emitOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Streams open now (for tests and metrics). */
    int subscribers() {
        return subscribers.get();
    }
}
