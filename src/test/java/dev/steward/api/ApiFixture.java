package dev.steward.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shared helpers of the API tests, which run against the real daemon watching
 * {@code target/test-manifests}. Every program a test creates is named {@code api-*}, and
 * {@link #cleanUp()} deletes them through the API and waits until their processes are gone.
 */
final class ApiFixture {

    static final Path MANIFESTS = Path.of("target/test-manifests").toAbsolutePath();
    /** Where the daemon writes the logs of programs that name no file (the test profile's state directory). */
    static final Path LOGS = Path.of("target/test-state/logs").toAbsolutePath();
    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** What requests over TCP carry: the test profile's token ({@code %test.steward.token}). */
    static final String AUTHORIZATION = "Bearer test-token";

    private ApiFixture() {
    }

    /** A manifest of a tiny long-running program; {@code extraSpec} lines are indented under {@code spec:}. */
    static String manifest(String name, String labels, String shell, String... extraSpec) {
        StringBuilder text = new StringBuilder("apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n  name: ")
                .append(name).append("\n  labels: {").append(labels).append("}\nspec:\n")
                .append("  command: [\"/bin/sh\", \"-c\", \"").append(shell).append("\"]\n")
                .append("  startSeconds: 0\n  stopTimeoutSeconds: 2\n");
        for (String line : extraSpec) {
            text.append("  ").append(line).append('\n');
        }
        return text.toString();
    }

    static String sleeper(String name, String... extraSpec) {
        return manifest(name, "suite: api", "exec sleep 1000", extraSpec);
    }

    static io.restassured.response.ValidatableResponse apply(String yaml) {
        return given().contentType("application/yaml").body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/programs").then();
    }

    /** Waits until process {@code name} is in {@code state}. */
    static void awaitState(String name, String state) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            var response = given().get("/api/v1/processes/" + name);
            return response.statusCode() == 200 && state.equals(response.jsonPath().getString("state"));
        });
    }

    /** Waits until the daemon supervises program {@code name} (or, with {@code present} false, no longer does). */
    static void awaitProgram(String name, boolean present) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/api/v1/programs/" + name).statusCode() == (present ? 200 : 404));
    }

    /** Deletes every api-* program and file, then waits until no api-* process is left. */
    static void cleanUp() throws IOException {
        List<String> programs = given().get("/api/v1/programs").jsonPath().getList("items.name", String.class);
        for (String program : programs) {
            if (program.startsWith("api-")) {
                given().delete("/api/v1/programs/" + program).then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(404)));
            }
        }
        Files.createDirectories(MANIFESTS);
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("api-")).toList()) {
                Files.deleteIfExists(file);
            }
        }
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> given().get("/api/v1/processes")
                .jsonPath().getList("items.program", String.class).stream().noneMatch(p -> p.startsWith("api-")));
        // Log files outlive their programs, and `logs` reads them: a test's program starts with none.
        Files.createDirectories(LOGS);
        try (Stream<Path> files = Files.list(LOGS)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("api-")).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    static ContentType yaml() {
        return ContentType.fromContentType("application/yaml");
    }
}
