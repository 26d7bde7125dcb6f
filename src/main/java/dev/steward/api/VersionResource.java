package dev.steward.api;

import dev.steward.Version;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Which daemon answers: {@code steward version} prints it beside the client's, as {@code supervisorctl version}
 * prints supervisord's and {@code kubectl version} the server's.
 */
@Path("/api/v1/version")
@Produces(MediaType.APPLICATION_JSON)
public class VersionResource {

    /** @param startedAt when the daemon's process started, null if the system does not say */
    public record VersionDto(String version, String java, long pid, Instant startedAt) {
    }

    private static final VersionDto CURRENT = new VersionDto(Version.current(), Runtime.version().toString(),
            ProcessHandle.current().pid(), ProcessHandle.current().info().startInstant().orElse(null));

    @GET
    @Operation(summary = "The daemon's version, the Java runtime it runs on, its pid and when it started")
    public VersionDto get() {
        return CURRENT;
    }
}
