package dev.steward.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The OpenAPI document is a file in the jar (see {@link OpenApiResource}); this keeps it in step with the
 * resources: every operation they declare is in the file, and the file has no operation they lack.
 * After changing the API, regenerate the file as docs/api.md says.
 */
class OpenApiDocumentTest {
    private static final Map<Class<? extends Annotation>, String> VERBS = Map.of(GET.class, "get", POST.class, "post",
            PUT.class, "put", DELETE.class, "delete", PATCH.class, "patch");

    @Test
    void everyOperationOfTheResourcesIsDocumentedAndNothingElse() throws Exception {
        Set<String> declared = new TreeSet<>();
        for (Class<?> type : apiClasses()) {
            Path base = type.getAnnotation(Path.class);
            if (base == null || type == OpenApiResource.class) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                Path sub = method.getAnnotation(Path.class);
                VERBS.forEach((annotation, verb) -> {
                    if (method.isAnnotationPresent(annotation)) {
                        declared.add(verb + " " + join(base.value(), sub == null ? "" : sub.value()));
                    }
                });
            }
        }
        Set<String> documented = new TreeSet<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/openapi.json")) {
            JsonNode paths = new ObjectMapper().readTree(in).get("paths");
            paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames()
                    .forEachRemaining(verb -> documented.add(verb + " " + path)));
        }
        assertEquals(declared, documented, "src/main/resources/openapi/ is out of date with the resources; see docs/api.md");
    }

    private static String join(String base, String sub) {
        String path = (base + "/" + sub).replaceAll("/+", "/");
        // {name: regex} path parameters are documented by name only
        path = path.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Set<Class<?>> apiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        java.nio.file.Path dir = Paths.get(OpenApiResource.class.getResource("OpenApiResource.class").toURI()).getParent();
        Set<Class<?>> classes = new java.util.HashSet<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    classes.add(Class.forName("dev.steward.api." + name.substring(0, name.length() - 6)));
                }
            }
        }
        return classes;
    }
}
