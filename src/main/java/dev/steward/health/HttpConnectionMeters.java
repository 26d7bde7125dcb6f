package dev.steward.health;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Set;

/**
 * Leaves Quarkus' gauges of open HTTP connections out of {@code /q/metrics}, and keeps its count of the connections
 * refused at {@code quarkus.http.limits.max-connections} ({@code vertx_http_connections_rejected_total}).
 *
 * <p>Why: with that limit set, every instance of the HTTP server (one per event-loop thread) registers the same two
 * gauges again; Micrometer keeps the first and logged "This Gauge has been already registered" as a WARN at nearly
 * every start, a false alarm in the daemon's own log. Of the two, one repeats the configured limit and the other
 * counts TCP connections, which {@code ss -tn} shows as well. A filter that refuses them is applied before
 * Micrometer looks for an earlier registration, so nothing is registered twice.
 */
@Singleton
public class HttpConnectionMeters {
    private static final Set<String> REGISTERED_PER_SERVER_INSTANCE = Set.of("vertx.http.connections.current", "vertx.http.connections.max");

    @Produces
    @Singleton
    MeterFilter withoutPerInstanceGauges() {
        return MeterFilter.deny(id -> REGISTERED_PER_SERVER_INSTANCE.contains(id.getName()));
    }
}
