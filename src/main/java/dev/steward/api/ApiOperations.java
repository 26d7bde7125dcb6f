package dev.steward.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operations of the API as the OpenAPI document lists them ({@code OpenApiDocumentTest} keeps it
 * equal to the resources): which methods a path has and the media type each answers in. The framework's
 * 405 and 406 say neither, and a problem should say what to send instead.
 */
final class ApiOperations {
    /** {@code method} in capitals; {@code produces} null when the document names no media type. */
    record Operation(String method, Pattern path, String produces) {
    }

    private ApiOperations() {
    }

    /** The methods {@code path} has, in the document's order: {@code [GET, DELETE]}. */
    static List<String> methods(String path) {
        return Loaded.ALL.stream().filter(op -> op.path().matcher(path).matches()).map(Operation::method).toList();
    }

    /**
     * What an {@code Allow} header says of a path with these {@link #methods}: them, HEAD wherever GET is, and
     * OPTIONS, which the framework answers everywhere.
     */
    static Set<String> allow(List<String> methods) {
        Set<String> allow = new LinkedHashSet<>();
        for (String method : methods) {
            allow.add(method);
            if (method.equals("GET")) {
                allow.add("HEAD");
            }
        }
        allow.add("OPTIONS");
        return allow;
    }

    /** The media type {@code method path} answers in (HEAD as GET), if the document names one. */
    static Optional<String> produces(String method, String path) {
        String asked = "HEAD".equals(method) ? "GET" : method;
        return Loaded.ALL.stream().filter(op -> op.method().equals(asked) && op.path().matcher(path).matches())
                .map(Operation::produces).filter(Objects::nonNull).findFirst();
    }

    /** Read at the first refusal that needs it; the document does not change while the daemon runs. */
    private static final class Loaded {
        static final List<Operation> ALL = read();

        private static List<Operation> read() {
            List<Operation> all = new ArrayList<>();
            // Served by OpenApiResource and not part of the document it serves.
            all.add(new Operation("GET", template("/q/openapi"), null));
            try {
                JsonNode paths = new ObjectMapper().readTree(OpenApiResource.json()).path("paths");
                paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
                    JsonNode content = op.getValue().path("responses").path("200").path("content");
                    String produces = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
                    all.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), template(path.getKey()), produces));
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return List.copyOf(all);
        }

        /** {@code /api/v1/programs/{name}} as a pattern: a parameter is one path segment. */
        private static Pattern template(String path) {
            StringBuilder regex = new StringBuilder();
            for (String segment : path.substring(1).split("/")) {
                regex.append('/').append(segment.startsWith("{") ? "[^/]+" : Pattern.quote(segment));
            }
            return Pattern.compile(regex.toString());
        }
    }
}
