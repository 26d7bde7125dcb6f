package dev.steward.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.config.StewardConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;

/**
 * Requests that come over TCP ({@code --listen}) must carry the daemon's {@link ApiToken}, except health checks
 * and metrics, which orchestrators and Prometheus read without one (they control nothing), and the API's
 * description. The unix socket needs none: it is open to the daemon's user only (mode 0600), as supervisord's is.
 */
@Singleton
public class TokenCheck {
    private static final Logger LOG = Logger.getLogger("steward");

    private final StewardConfig config;
    private final Instance<ObjectMapper> json;
    /** The unix socket a refused client may use instead, null when the daemon serves none (turned off, or unavailable). */
    private final Path socket;
    private volatile ApiToken token;

    public TokenCheck(StewardConfig config, Instance<ObjectMapper> json,
                      @ConfigProperty(name = "quarkus.http.domain-socket-enabled", defaultValue = "false") boolean socketEnabled,
                      @ConfigProperty(name = "quarkus.http.domain-socket", defaultValue = "/var/run/io.quarkus.app.socket")
                      Path socket) {
        this.config = config;
        this.json = json;
        this.socket = socketEnabled ? socket.toAbsolutePath() : null;
    }

    /** After the daemon has locked the state directory (a later priority than its start), before the server binds. */
    void load(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        token = ApiToken.loadOrExplain(config.token(), config.stateDir());
        token.warnings().forEach(LOG::warn);
        LOG.debugf("requests over TCP need the token in %s", token.source());
    }

    void install(@Observes Router router) {
        // Right after MalformedRequests' route, before any other: nothing is read or routed for a stranger.
        router.route().order(Integer.MIN_VALUE + 1).handler(context -> {
            if (admitted(context)) {
                context.next();
            } else {
                refuse(context);
            }
        });
    }

    private boolean admitted(RoutingContext context) {
        SocketAddress local = context.request().localAddress();
        if (local != null && local.isDomainSocket()) {
            return true;
        }
        String path = context.normalizedPath();
        if (path.equals("/q/health") || path.startsWith("/q/health/") || path.equals("/q/metrics")
                || path.equals("/q/openapi")) {
            return true;
        }
        if (crossSite(context)) {
            return false;
        }
        ApiToken known = token;
        return known != null && known.acceptsAuthorization(context.request().getHeader(HttpHeaders.AUTHORIZATION));
    }

    /**
     * A browser's request made by another site's page (a form posted to 127.0.0.1, a fetch): refused whatever it
     * carries, as a browser may add credentials it has cached (a Basic password) by itself. The CLI and curl send
     * neither header.
     */
    static boolean crossSite(RoutingContext context) {
        String site = context.request().getHeader("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        String host = context.request().getHeader(HttpHeaders.HOST);
        return origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host));
    }

    private void refuse(RoutingContext context) {
        boolean sent = context.request().getHeader(HttpHeaders.AUTHORIZATION) != null;
        ApiToken known = token;
        String where = known == null ? "the daemon has not started yet; try again in a moment"
                : "the token is " + (known.source().equals("STEWARD_TOKEN") ? "the daemon's STEWARD_TOKEN"
                : "in " + known.source() + ", readable by the daemon's user")
                + (socket == null ? "" : "; or use the unix socket " + socket + ", which needs none");
        Problem problem = crossSite(context) ? Problem.of(Problem.Code.Unauthorized, "a request another site's page made"
                + " (its Origin or Sec-Fetch-Site says so) is refused, token or not") : Problem.of(Problem.Code.Unauthorized, (sent
                ? "the request's Authorization does not carry this daemon's token (a token of another daemon, or an old one?); "
                : "a request over TCP must carry the daemon's token (Authorization: Bearer TOKEN); ") + where);
        context.response().putHeader("WWW-Authenticate", "Bearer realm=\"steward\"");
        MalformedRequests.refuse(context, json.get(), problem); // a stranger's body is not read
    }
}
