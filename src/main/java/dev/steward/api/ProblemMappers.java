package dev.steward.api;

import dev.steward.control.DaemonUnavailableException;
import dev.steward.manifest.ManifestConflictException;
import dev.steward.manifest.ManifestWriteException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

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

    /** The framework's own refusals (no such resource, method not allowed, ...), in the same shape. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request, ServerRequestContext exchange) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return internal(e, request, exchange);
        }
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if (status == 405) {
            return methodNotAllowed(method, path);
        }
        if (status == 406) {
            return notAcceptable(method, path, request.getHeaderString(HttpHeaders.ACCEPT));
        }
        if (status == 413) { // a form field over its limit: a manifest sent without the @ of curl -F file=@...
            return respond(Problem.of(Problem.Code.TooLarge, "the request is too large: a manifest is at most 1 MiB"
                    + " and a request at most 10 MiB; send each manifest as a file part, e.g. curl -F file=@web.yaml"
                    + " (with the @), and fewer at a time"));
        }
        Problem.Code code = status == 404 ? Problem.Code.NotFound : Problem.Code.BadRequest;
        String detail = status == 404 ? "no such API resource; see /q/openapi for the API"
                : e.getMessage() + "; see /q/openapi for what this endpoint accepts";
        return respond(Problem.of(code, status, detail, List.of()));
    }

    /** With the {@code Allow} header HTTP requires on a 405 (the framework's has none). */
    private static Response methodNotAllowed(String method, String path) {
        List<String> operations = ApiOperations.methods(path);
        String detail = method + " is not allowed on " + path + (operations.isEmpty()
                ? "; see /q/openapi for the operations of each path"
                : "; allowed: " + String.join(", ", operations));
        return Response.fromResponse(respond(Problem.of(Problem.Code.MethodNotAllowed, detail)))
                .allow(ApiOperations.allow(operations)).build();
    }

    private static Response notAcceptable(String method, String path, String accept) {
        String asked = accept == null ? "" : " (" + accept.strip() + ")";
        String detail = ApiOperations.produces(method, path)
                .map(type -> method + " " + path + " answers in " + type + ", which the Accept header" + asked
                        + " does not take; accept " + type + " or send no Accept header")
                .orElse(method + " " + path + " cannot answer in what the Accept header" + asked + " asks for;"
                        + " see /q/openapi for the media type each operation answers in");
        return respond(Problem.of(Problem.Code.NotAcceptable, detail));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(Throwable e, ContainerRequestContext request, ServerRequestContext exchange) {
        if (failedIo(e) && exchange.serverResponse().closed()) {
            // The client went away while its answer was being written (Ctrl-C, a kill, a timeout; a long list outlasts
            // the socket's buffers): nothing went wrong in the daemon, and there is no one left to answer.
            LOG.debugf(e, "%s %s: the client went away before its answer was written", request.getMethod(),
                    request.getUriInfo().getPath());
            return respond(Problem.of(Problem.Code.Internal, "the client went away"));
        }
        if (unreadableUpload(e, request)) {
            // a malformed body or a client gone mid-upload: nothing for the daemon's log, nothing to report
            LOG.debug("multipart request not read", e);
            return respond(Problem.of(Problem.Code.BadRequest, "the multipart/form-data body could not be read ("
                    + e.getMessage() + "); send each manifest as a file part with the boundary the Content-Type"
                    + " names, e.g. curl -F file=@web.yaml -F file=@db.yaml"));
        }
        LOG.error("API request failed", e);
        return respond(Problem.of(Problem.Code.Internal, "internal error: " + e.getMessage()
                + "; the daemon's log has the details, please report it if it persists"));
    }

    private static boolean unreadableUpload(Throwable e, ContainerRequestContext request) {
        boolean multipart = request.getMediaType() != null && "multipart".equals(request.getMediaType().getType());
        return multipart && failedIo(e);
    }

    private static boolean failedIo(Throwable e) {
        return e instanceof IOException || e.getCause() instanceof IOException;
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
