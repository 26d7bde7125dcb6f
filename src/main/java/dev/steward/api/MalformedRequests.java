package dev.steward.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A request whose URL cannot be decoded (a {@code %} not followed by two hexadecimal digits) is answered as every
 * other error, a {@link Problem} that says what to do, rather than with the HTTP layer's empty 400. Quarkus checks
 * each URL with {@link java.net.URI} before any route and answers an empty 400 itself unless the system property
 * {@value #NO_URI_CHECK} is true: {@code Main} and the tests' configuration set it, and this first route does the
 * check instead. Should Quarkus' separate management interface ever be enabled, its router needs this route too.
 */
@Singleton
public class MalformedRequests {
    public static final String NO_URI_CHECK = "vertx.disableURIValidation";
    // Looked up on the first such request: the router is built during start-up, which should not build a mapper.
    private final Instance<ObjectMapper> json;

    public MalformedRequests(Instance<ObjectMapper> json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        // First of all routes: the path is decoded while later routes are matched, and a failure there would not
        // reach a failure handler.
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String unreadable = unreadable(context);
            if (unreadable == null) {
                context.next();
                return;
            }
            Problem problem = Problem.of(Problem.Code.BadRequest, "the request's URL could not be read (" + unreadable
                    + "); percent-encode the characters of names and query values other than letters, digits and"
                    + " -._~ (%25 for %, %20 for a space, %7C for |), as the CLI does");
            try {
                context.response().setStatusCode(400).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .end(json.get().writeValueAsString(problem));
            } catch (JsonProcessingException e) {
                context.response().setStatusCode(400).end();
            }
        });
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
