package dev.steward.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /q/openapi}: the API's OpenAPI document, YAML by default, {@code ?format=json} for JSON. It is
 * a file in the jar (src/main/resources/openapi/openapi.json) rather than the smallrye-openapi
 * extension, which built the document at every start: 0.3 s of boot and 12 MiB of the daemon's memory.
 * {@code OpenApiDocumentTest} fails when the file and the resources disagree.
 */
@Path("/q/openapi")
public class OpenApiResource {
    private static final String FILE = "openapi/openapi.json";

    @GET
    public Response document(@QueryParam("format") String format) {
        if ("json".equalsIgnoreCase(format)) {
            return Response.ok(Document.JSON, "application/json").build();
        }
        return Response.ok(Document.YAML, "application/yaml;charset=UTF-8").build();
    }

    /** Read and converted once, at the first request: the file does not change while the daemon runs. */
    private static final class Document {
        static final byte[] JSON = read();
        // JSON is YAML: load it as such and write it back out in block style.
        static final String YAML = new Dump(DumpSettings.builder().build()).dumpToString(
                new Load(LoadSettings.builder().build()).loadFromString(new String(JSON, StandardCharsets.UTF_8)));

        private static byte[] read() {
            try (InputStream in = OpenApiResource.class.getClassLoader().getResourceAsStream(FILE)) {
                if (in == null) {
                    throw new IllegalStateException(FILE + " is missing from the build");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
