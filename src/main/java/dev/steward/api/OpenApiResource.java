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
        return Response.ok(YamlDocument.YAML, "application/yaml;charset=UTF-8").build();
    }

    /** The document as the file has it, for {@link ApiOperations}. */
    static byte[] json() {
        return Document.JSON;
    }

    /** Converted once, at the first request for YAML (not at the first 405, which reads only the JSON). */
    private static final class YamlDocument {
        // JSON is YAML: load it as such and write it back out in block style.
        static final String YAML = new Dump(DumpSettings.builder().build()).dumpToString(
                new Load(LoadSettings.builder().build())
                        .loadFromString(new String(Document.JSON, StandardCharsets.UTF_8)));
    }

    /** Read once, at the first request: the file does not change while the daemon runs. */
    private static final class Document {
        static final byte[] JSON = read();

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
