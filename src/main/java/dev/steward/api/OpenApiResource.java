package dev.steward.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code /q/openapi}: the API's OpenAPI document, YAML by default, JSON for {@code ?format=json} or
 * {@code Accept: application/json} (the parameter, when given, wins over the header). It is
 * a file in the jar (src/main/resources/openapi/openapi.json) rather than the smallrye-openapi
 * extension, which built the document at every start: 0.3 s of boot and 12 MiB of the daemon's memory.
 * {@code OpenApiDocumentTest} fails when the file and the resources disagree.
 */
@Path("/q/openapi")
public class OpenApiResource {
    private static final String FILE = "openapi/openapi.json";

    @GET
    public Response document(@QueryParam("format") String format, @Context HttpHeaders headers) {
        if (format != null ? "json".equalsIgnoreCase(format) : prefersJson(headers.getAcceptableMediaTypes())) {
            return Response.ok(Document.JSON, "application/json").build();
        }
        return Response.ok(YamlDocument.YAML, "application/yaml;charset=UTF-8").build();
    }

    /**
     * Whether the Accept header (most preferred first) names JSON before YAML or a wildcard, as a client
     * of Quarkus' own /q/openapi gets JSON with {@code Accept: application/json}.
     */
    private static boolean prefersJson(List<MediaType> accepted) {
        for (MediaType type : accepted) {
            String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
            if (type.isWildcardType() || type.isWildcardSubtype() || subtype.endsWith("yaml")) {
                return false;
            }
            if (type.getType().equalsIgnoreCase("application") && subtype.equals("json")) {
                return true;
            }
        }
        return false;
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
