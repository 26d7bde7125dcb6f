package dev.steward.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is a file in the jar (see {@link OpenApiResource}); this keeps it in step with the
 * resources: every operation they declare is in the file, and the file has no operation they lack; each operation's
 * query parameters, and the fields of each record it answers with, are the same in both; the schemas are those records
 * and nothing else; and every operation documents its error body, a {@link Problem}.
 * After changing the API, regenerate the file as docs/api.md says.
 */
class OpenApiDocumentTest {
    private static final Map<Class<? extends Annotation>, String> VERBS = Map.of(GET.class, "get", POST.class, "post",
            PUT.class, "put", DELETE.class, "delete", PATCH.class, "patch");

    /** Every operation the resources declare, as "verb /path", and the method that serves it. */
    private static Map<String, Method> operations() throws Exception {
        Map<String, Method> operations = new TreeMap<>();
        for (Class<?> type : apiClasses()) {
            Path base = type.getAnnotation(Path.class);
            if (base == null || type == OpenApiResource.class) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                Path sub = method.getAnnotation(Path.class);
                VERBS.forEach((annotation, verb) -> {
                    if (method.isAnnotationPresent(annotation)) {
                        operations.put(verb + " " + join(base.value(), sub == null ? "" : sub.value()), method);
                    }
                });
            }
        }
        return operations;
    }

    @Test
    void everyOperationOfTheResourcesIsDocumentedAndNothingElse() throws Exception {
        Set<String> declared = new TreeSet<>(operations().keySet());
        Set<String> documented = new TreeSet<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/openapi.json")) {
            JsonNode paths = new ObjectMapper().readTree(in).get("paths");
            paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames()
                    .forEachRemaining(verb -> documented.add(verb + " " + path)));
        }
        assertEquals(declared, documented, "src/main/resources/openapi/ is out of date with the resources; see docs/api.md");
    }

    @Test
    void everyQueryParameterIsDocumentedAndNothingElse() throws Exception {
        Map<String, Set<String>> declared = new TreeMap<>();
        operations().forEach((operation, method) -> {
            Set<String> names = new TreeSet<>();
            for (Parameter parameter : method.getParameters()) {
                QueryParam query = parameter.getAnnotation(QueryParam.class);
                if (query != null) {
                    names.add(query.value());
                }
            }
            declared.put(operation, names);
        });
        Map<String, Set<String>> documented = new TreeMap<>();
        JsonNode paths = document().get("paths");
        paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames().forEachRemaining(verb -> {
            Set<String> names = new TreeSet<>();
            paths.get(path).get(verb).path("parameters").forEach(parameter -> {
                if ("query".equals(parameter.path("in").asText())) {
                    names.add(parameter.get("name").asText());
                }
            });
            documented.put(verb + " " + path, names);
        }));
        assertEquals(declared, documented, "src/main/resources/openapi/ is out of date with the resources; see docs/api.md");
    }

    @Test
    void everyAnswerIsASchemaWithItsFieldsAndNothingElse() throws Exception {
        JsonNode schemas = document().get("components").get("schemas");
        Map<String, Set<String>> declared = new TreeMap<>();
        for (Class<?> type : answerRecords()) {
            if (type.getTypeParameters().length > 0) {
                continue; // Items<T> is documented as ItemsProcessDto, ...: checked through the names below
            }
            Set<String> fields = new TreeSet<>();
            for (RecordComponent component : type.getRecordComponents()) {
                fields.add(component.getName());
            }
            declared.put(type.getSimpleName(), fields);
        }
        // Items<ProcessDto> is the schema ItemsProcessDto: {items: [ProcessDto]}
        for (String listed : listedRecords()) {
            declared.put("Items" + listed, Set.of("items -> " + listed));
        }
        Map<String, Set<String>> documented = new TreeMap<>();
        schemas.fieldNames().forEachRemaining(name -> {
            if (name.equals("Instant")) {
                return; // a JDK type, written as a date-time string
            }
            Set<String> properties = new TreeSet<>();
            schemas.get(name).path("properties").fieldNames().forEachRemaining(properties::add);
            if (name.startsWith("Items") && properties.equals(Set.of("items"))) {
                String ref = schemas.get(name).path("properties").path("items").path("items").path("$ref").asText();
                properties = Set.of("items -> " + ref.substring(ref.lastIndexOf('/') + 1));
            }
            documented.put(name, properties);
        });
        assertTrue(declared.containsKey("ProcessDto") && declared.containsKey("ActionResult"), declared::toString);
        assertEquals(declared, documented, "src/main/resources/openapi/ is out of date with the answers; see docs/api.md");
    }

    @Test
    void everyOperationDocumentsItsErrorBody() throws Exception {
        JsonNode paths = document().get("paths");
        Set<String> without = new TreeSet<>();
        paths.fieldNames().forEachRemaining(path -> paths.get(path).fieldNames().forEachRemaining(verb -> {
            JsonNode schema = paths.get(path).get(verb).path("responses").path("default").path("content")
                    .path(Problem.MEDIA_TYPE).path("schema").path("$ref");
            if (!schema.asText().equals("#/components/schemas/Problem")) {
                without.add(verb + " " + path);
            }
        }));
        assertEquals(Set.of(), without, "each operation's default response is a Problem; see docs/api.md");
    }

    /** The records the operations answer lists of, as {@code Items<ProcessDto>}. */
    private static Set<String> listedRecords() throws Exception {
        Set<String> listed = new TreeSet<>();
        for (Method method : operations().values()) {
            Deque<Type> toVisit = new ArrayDeque<>(List.of(method.getGenericReturnType()));
            while (!toVisit.isEmpty()) {
                if (toVisit.pop() instanceof ParameterizedType parameterized) {
                    Type[] arguments = parameterized.getActualTypeArguments();
                    if (parameterized.getRawType() == Items.class && arguments[0] instanceof Class<?> listedType) {
                        listed.add(listedType.getSimpleName());
                    }
                    toVisit.addAll(List.of(arguments));
                }
            }
        }
        return listed;
    }

    /**
     * The records the API answers with, and every record their fields hold: what the operations return (inside
     * Items, lists and Multi), the actions' answer, which goes out through a Response, and the error body.
     */
    private static Set<Class<?>> answerRecords() throws Exception {
        Deque<Type> toVisit = new ArrayDeque<>();
        for (Method method : operations().values()) {
            toVisit.add(method.getGenericReturnType());
        }
        toVisit.add(ActionResponse.class);
        toVisit.add(Problem.class);
        Set<Class<?>> records = new HashSet<>();
        while (!toVisit.isEmpty()) {
            Type type = toVisit.pop();
            if (type instanceof ParameterizedType parameterized) {
                toVisit.add(parameterized.getRawType());
                toVisit.addAll(List.of(parameterized.getActualTypeArguments()));
            } else if (type instanceof Class<?> record && record.isRecord() && records.add(record)) {
                for (RecordComponent component : record.getRecordComponents()) {
                    toVisit.add(component.getGenericType());
                }
            }
        }
        return records;
    }

    private JsonNode document() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("openapi/openapi.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static String join(String base, String sub) {
        String path = (base + "/" + sub).replaceAll("/+", "/");
        // {name: regex} path parameters are documented by name only
        path = path.replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Set<Class<?>> apiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        java.nio.file.Path dir = Paths.get(OpenApiResource.class.getResource("OpenApiResource.class").toURI()).getParent();
        Set<Class<?>> classes = new HashSet<>();
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
