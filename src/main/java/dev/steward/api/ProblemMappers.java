package dev.steward.api;

import dev.steward.control.DaemonUnavailableException;
import dev.steward.manifest.ManifestConflictException;
import dev.steward.manifest.ManifestWriteException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.NoSuchElementException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of an API call into a {@link Problem} with its stable code. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger("steward");

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return respond(e.problem());
    }

    /** Unknown program, process or target (thrown by the manifest writer and Control.resolve). */
    @ServerExceptionMapper
    public Response notFound(NoSuchElementException e) {
        return respond(Problem.of(Problem.Code.NotFound, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unavailable(DaemonUnavailableException e) {
        return respond(Problem.of(Problem.Code.Unavailable, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response cannotWrite(ManifestWriteException e) {
        LOG.warn(e.getMessage()); // the operator may read the daemon's log rather than the client's answer
        return respond(Problem.of(Problem.Code.CannotWrite, e.getMessage()));
    }

    @ServerExceptionMapper
    public Response conflict(ManifestConflictException e) {
        return respond(Problem.of(Problem.Code.Conflict, e.getMessage()));
    }

    /** The framework's own refusals (unsupported media type, method not allowed, ...), in the same shape. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e);
        }
        Problem.Code code = status == 404 ? Problem.Code.NotFound : Problem.Code.BadRequest;
        String detail = status == 404 ? "no such API resource; see /q/openapi for the API"
                : e.getMessage() + "; see /q/openapi for what this endpoint accepts";
        return respond(Problem.of(code, status, detail, java.util.List.of()));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(Throwable e) {
        LOG.error("API request failed", e);
        return respond(Problem.of(Problem.Code.Internal, "internal error: " + e.getMessage()
                + "; the daemon's log has the details, please report it if it persists"));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
