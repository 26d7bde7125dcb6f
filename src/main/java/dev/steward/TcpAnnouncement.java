package dev.steward;

import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says where the API listens over TCP ({@code --listen}), once it does, as the unix socket's line says where that is:
 * Quarkus' own line is off with the rest of its start-up banner, and an operator who set {@code --listen} had no word
 * that it took.
 */
@Singleton
class TcpAnnouncement {
    private static final Logger LOG = Logger.getLogger("steward");

    private final AtomicBoolean announced = new AtomicBoolean();
    private final HttpServer server;

    TcpAnnouncement(HttpServer server) {
        this.server = server;
    }

    /** Quarkus fires this once per HTTP verticle, right after the bind. */
    void announce(@ObservesAsync HttpServerStart event) {
        if (announced.compareAndSet(false, true)) {
            int port = event.options().getPort() > 0 ? event.options().getPort() : server.getPort(); // port 0: the one it got
            LOG.infof("listening on http://%s:%d (the API wants the token there; /q/health, /q/metrics and /q/openapi"
                    + " do not)", event.options().getHost(), port);
        }
    }
}
