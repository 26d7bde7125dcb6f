package dev.steward.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request whose URL cannot be decoded (a {@code %} not followed by two hexadecimal digits) is answered as every
 * other error, a {@link Problem} that says what to do, rather than with the HTTP layer's empty 400. Quarkus checks
 * each URL with {@link java.net.URI} before any route and answers an empty 400 itself unless the system property
 * {@value #NO_URI_CHECK} is true: {@code Main} and the tests' configuration set it, and this first route does the
 * check instead. Should Quarkus' separate management interface ever be enabled, its router needs this route too.
 *
 * <p>A request that declares a body over {@code quarkus.http.limits.max-body-size} is refused here for the same
 * reason: the REST layer would answer it with an empty 413 and a closed connection. A body sent without a length
 * ({@code Transfer-Encoding: chunked}, or HTTP/2 without {@code Content-Length}) is only known to be too large once
 * more than the limit has been read, and the REST layer's input stream then writes that empty 413 itself, before
 * any exception mapper can answer; so for the one operation that reads a body, {@link UndeclaredBodyLimit} counts
 * it instead and refuses it with the same problem.
 */
@Singleton
public class MalformedRequests {
    public static final String NO_URI_CHECK = "vertx.disableURIValidation";
    static final String SEND_FEWER = "send fewer manifests per request (each at most 1 MiB)";
    // Looked up on the first such request: the router is built during start-up, which should not build a mapper.
    private final Instance<ObjectMapper> json;
    private final long maxBodyBytes;

    public MalformedRequests(Instance<ObjectMapper> json,
                             @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
        this.json = json;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void install(@Observes Router router) {
        // First of all routes: the path is decoded while later routes are matched, and a failure there would not
        // reach a failure handler.
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (!refusedUrl(context) && !refusedBody(context)) {
                context.next();
            }
        });
        // Vert.x Web fails an HTTP/1.1 request without a Host header before any route; Quarkus' failure handler would log
        // an ERROR for each, which any local user could then write to the daemon's log at will, token or not.
        router.route().order(Integer.MIN_VALUE).failureHandler(context -> {
            if (context.statusCode() == 400 && context.request().version() == HttpVersion.HTTP_1_1
                    && context.request().getHeader(HttpHeaders.HOST) == null && !context.response().headWritten()) {
                refuse(context, json.get(), Problem.of(Problem.Code.BadRequest, "the request has no Host header, which"
                        + " HTTP/1.1 requires; send one (Host: localhost), as curl and the CLI do"));
            } else {
                context.next();
            }
        });
    }

    /** Answers a request whose URL cannot be read; false when it can. */
    private boolean refusedUrl(RoutingContext context) {
        String unreadable = unreadable(context);
        if (unreadable == null) {
            return false;
        }
        refuse(context, json.get(), Problem.of(Problem.Code.BadRequest, "the request's URL could not be read (" + unreadable
                + "); percent-encode the characters of names and query values other than letters, digits and -._~"
                + " (%25 for %, %20 for a space, %7C for |), as the CLI does"));
        return true;
    }

    /** Answers a request that declares a body over the limit, without reading it; false otherwise. */
    private boolean refusedBody(RoutingContext context) {
        long bodyBytes = declaredBodyBytes(context);
        if (bodyBytes <= maxBodyBytes) {
            return false;
        }
        closeOnceAnswered(context);
        answer(context, json.get(), Problem.of(Problem.Code.TooLarge, "the request's body is " + bodyBytes + " bytes, more than the "
                + limit(maxBodyBytes) + "; nothing was read" + (appliesManifests(context)
                ? " or applied: " + SEND_FEWER : ": no operation of this API takes a body that large; see /q/openapi")));
        return true;
    }

    /** {@code 10485760 (10 MiB) a request may hold}. */
    static String limit(long maxBodyBytes) {
        return maxBodyBytes + " (" + mebibytes(maxBodyBytes) + ") a request may hold";
    }

    static boolean appliesManifests(RoutingContext context) {
        return context.request().method() == HttpMethod.POST && "/api/v1/programs".equals(context.normalizedPath());
    }

    /**
     * Over HTTP/1, a body that is refused is not read to its end: the connection is closed once the answer is out, as
     * the REST layer does, not left waiting for a body that will never be read. HTTP/2 forbids {@code Connection},
     * and its connection carries other requests' streams.
     */
    static void closeOnceAnswered(RoutingContext context) {
        if (context.request().version() != HttpVersion.HTTP_2) {
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
            // Not response().endHandler, which holds one handler: the routing context's end handlers are that one.
            context.addEndHandler(sent -> context.request().connection().close());
        }
    }

    /**
     * Refuses a request from a route that runs before the REST layer: a body not read yet is not read (the connection
     * closes once answered), and {@code problem} is the answer. Kept open, the connection would read and drop the body,
     * each byte of which puts its idle timer off, and IdleConnections' route, which bounds that, does not run after a
     * refusal.
     */
    static void refuse(RoutingContext context, ObjectMapper json, Problem problem) {
        if (!context.request().isEnded()) {
            closeOnceAnswered(context);
        }
        answer(context, json, problem);
    }

    /** Ends the response with {@code problem}, from a route that runs before the REST layer and its mappers. */
    static void answer(RoutingContext context, ObjectMapper json, Problem problem) {
        context.response().setStatusCode(problem.status());
        try {
            context.response().putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            context.response().end();
        }
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024)).replace(".0 ", " ");
    }

    /** The body's length as the request declares it; -1 without a valid Content-Length (e.g. chunked). */
    private static long declaredBodyBytes(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Why the request's URL cannot be read, or null when it can. */
    private static String unreadable(RoutingContext context) {
        try {
            // What Quarkus' own check does; it also refuses a bad escape in the query. The path is decoded for routing
            // anyway (and kept), so this costs nothing more; the query is left to the resources that read it.
            new URI(context.request().uri());
            context.normalizedPath();
            return null;
        } catch (URISyntaxException | RuntimeException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }
}
