package dev.steward.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A manifest POSTed without a {@code Content-Type} ({@code curl -T web.yaml}) is a manifest: without this the
 * framework matches it to the multipart method, which finds no file part in it.
 */
public class ManifestBodyType {

    @ServerRequestFilter(preMatching = true)
    public void yamlUnlessSaidOtherwise(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && request.getHeaderString(HttpHeaders.CONTENT_TYPE) == null
                && "/api/v1/programs".equals(request.getUriInfo().getPath())) {
            request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, "application/yaml");
        }
    }
}
