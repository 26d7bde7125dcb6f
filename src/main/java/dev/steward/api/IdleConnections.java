package dev.steward.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * The HTTP server closes a connection that has not sent a whole request head {@code quarkus.http.idle-timeout} after
 * it was opened or after its previous answer was sent (application.properties says why 10 s): Vert.x' idle timer
 * sits behind the HTTP decoder, so the bytes of a head that never ends (a slowloris) do not reset it. Vert.x closes
 * the connection on the timer whatever the connection is doing; {@link Answering}, put before Vert.x' handler at a
 * connection's first request, keeps the timer from it while an answer is in progress, so that an action waiting for
 * its processes, {@code logs -f} and the event stream with nothing to send last as long as they need.
 *
 * <p>Those answers are then not cut for idleness at all, so over TCP the kernel looks after them: keep-alive probes
 * after a minute of silence, four 15 s apart, find a client whose host went away without closing (down, off the
 * network) in two minutes, rather than in Linux' two hours.
 *
 * <p>A request answered before its body has all come (health, metrics or a refusal do not read it) has the rest of
 * its body read and dropped, for the connection's next request; each byte of it puts the idle timer off, so a body
 * sent a byte now and then would hold the connection for ever, token or not. Such a body gets the idle timeout from
 * the answer to end, or the connection is closed.
 */
@Singleton
public class IdleConnections implements HttpServerOptionsCustomizer {
    /** The name of Vert.x' own handler in an HTTP/1 connection's pipeline, which closes the connection on idle events. */
    private static final String VERTX_HANDLER = "handler";
    private static final String ANSWERING = "steward-answering";
    static final int KEEPALIVE_IDLE_SECONDS = 60;
    static final int KEEPALIVE_INTERVAL_SECONDS = 15;
    static final int KEEPALIVE_PROBES = 4;

    private final long idleMillis;

    public IdleConnections(@ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        this.idleMillis = idleTimeout.toMillis();
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setTcpKeepAlive(true).setTcpKeepAliveIdleSeconds(KEEPALIVE_IDLE_SECONDS)
                .setTcpKeepAliveIntervalSeconds(KEEPALIVE_INTERVAL_SECONDS).setTcpKeepAliveCount(KEEPALIVE_PROBES);
    }

    void install(@Observes Router router) {
        // After MalformedRequests' first route, which must come first; a request it refuses is answered at once. TokenCheck
        // has the same order, so either may run first: a request it refuses is answered at once too, and its connection
        // closed unless its body was read, so it needs no hold on the idle timer.
        router.route().order(Integer.MIN_VALUE + 1).handler(context -> {
            HttpServerRequest request = context.request();
            answering(request).current = context.response();
            if (idleMillis > 0 && hasBody(request)) {
                context.addEndHandler(sent -> {
                    if (!request.isEnded()) {
                        context.vertx().setTimer(idleMillis, timer -> closeUnlessEnded(request));
                    }
                });
            }
            context.next();
        });
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return (length != null && !length.strip().equals("0")) || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    private static void closeUnlessEnded(HttpServerRequest request) {
        if (!request.isEnded()) {
            request.connection().close();
        }
    }

    /** The connection's {@link Answering}, put in its pipeline at its first request. */
    private static Answering answering(HttpServerRequest request) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            return new Answering(); // not a Netty connection: no idle timer to hold back
        }
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        if (pipeline.get(ANSWERING) instanceof Answering installed) {
            return installed;
        }
        Answering answering = new Answering();
        if (pipeline.context(VERTX_HANDLER) != null) { // not there over HTTP/2, which this daemon turns off
            pipeline.addBefore(VERTX_HANDLER, ANSWERING, answering);
        }
        return answering;
    }

    /** Holds back the idle timer's events from Vert.x while the connection's latest request is being answered. */
    static final class Answering extends ChannelInboundHandlerAdapter {
        /** The answer to the connection's latest request: set on the connection's event loop, read there. */
        volatile HttpServerResponse current;

        @Override
        public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
            HttpServerResponse answer = current;
            if (event instanceof IdleStateEvent && answer != null && !answer.ended() && !answer.closed()) {
                return; // in progress: its own timeout ends it, or its client, or the keep-alive probes
            }
            super.userEventTriggered(context, event);
        }
    }
}
