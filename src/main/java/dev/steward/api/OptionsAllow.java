package dev.steward.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The framework answers OPTIONS by itself, with an {@code Allow} header that also lists methods of the resource
 * class's other paths (POST on {@code /api/v1/programs/web}, which is a 405); this makes it say what a 405 on the
 * same path says.
 */
public class OptionsAllow {

    @ServerResponseFilter
    public void allow(ContainerRequestContext request, ContainerResponseContext response) {
        if (!"OPTIONS".equals(request.getMethod()) || response.getStatus() != 200) {
            return;
        }
        List<String> methods = ApiOperations.methods(request.getUriInfo().getPath());
        if (!methods.isEmpty()) {
            response.getHeaders().putSingle(HttpHeaders.ALLOW, String.join(", ", ApiOperations.allow(methods)));
        }
    }
}
