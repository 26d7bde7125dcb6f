package dev.steward.health;

import dev.steward.control.DaemonUnavailableException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A daemon that cannot take a request now (still starting, or shutting down) answers 503 and changes nothing. */
@QuarkusTest
@TestProfile(FakeControlProfile.class)
class UnavailableTest {
    @Inject
    FakeControl control;

    @BeforeEach
    void reset() {
        control.reset();
    }

    @Test
    void anActionTheDaemonRefusesIs503Unavailable() {
        control.actionFailure(new DaemonUnavailableException("the daemon is shutting down: run this again once it has started"));

        given().post("/api/v1/actions/start?target=all").then().statusCode(503)
                .body("code", equalTo("Unavailable"))
                .body("type", equalTo("https://steward.dev/problems/unavailable"))
                .body("detail", equalTo("the daemon is shutting down: run this again once it has started"));
    }

    @Test
    void anEditBeforeTheManifestsAreReadIs503AndWritesNothing() throws IOException {
        // Before the first reading no program is known: an apply would write a second file for one defined elsewhere.
        control.loaded(false);
        List<Path> before = manifestFiles();
        String manifest = "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: early}\nspec: {command: [sleep, '1']}\n";

        given().body(manifest).post("/api/v1/programs").then().statusCode(503)
                .body("code", equalTo("Unavailable")).body("detail", startsWith("the daemon is still reading the manifest directory"));
        given().post("/api/v1/programs/early/scale?replicas=2").then().statusCode(503);
        given().delete("/api/v1/programs/early").then().statusCode(503);
        assertEquals(before, manifestFiles());
    }

    @Test
    void anEditDuringShutdownIsWrittenAndSaysWhenItTakesEffect() throws IOException {
        control.shuttingDown(true);
        String manifest = "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: late}\nspec: {command: [sleep, '1']}\n";
        try {
            given().body(manifest).post("/api/v1/programs").then().statusCode(200)
                    .body("items[0].action", equalTo("created"))
                    .body("items[0].effect", equalTo("written; the daemon is shutting down, so it takes effect when the daemon starts again"));
            assertEquals(true, Files.exists(Path.of("target/health-test/manifests/late.yaml")));
        } finally {
            Files.deleteIfExists(Path.of("target/health-test/manifests/late.yaml"));
        }
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target/health-test/manifests"))) { // FakeControlProfile's
            return files.sorted().toList();
        }
    }
}
