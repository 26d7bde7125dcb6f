package dev.steward.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health and metrics against the real DaemonControl, with real child processes. */
@QuarkusTest
@TestProfile(LiveDaemonProfile.class)
class HealthOnLiveDaemonTest {
    /** quarkus.thread-pool.max-threads */
    private static final int WORKERS = 8;
    private final List<Path> written = new ArrayList<>();

    @AfterEach
    void removeManifests() throws IOException {
        for (Path file : written) {
            Files.deleteIfExists(file);
        }
        // Deleting the manifests stops their processes: nothing is left behind for the next test.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertTrue(MetricsTest.series(MetricsTest.scrape(), "steward_process_").isEmpty()));
    }

    /** The readiness data entry {@code key}, or null; no assertion, so waiting for it logs nothing. */
    private static String readiness(String key) {
        List<Map<String, Object>> checks = given().get("/q/health/ready").then().extract().jsonPath().getList("checks");
        return checks.stream().filter(c -> "programs".equals(c.get("name")))
                .map(c -> (Map<?, ?>) c.get("data")).filter(Objects::nonNull)
                .map(data -> (String) data.get(key)).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private void manifest(String file, String yaml) throws IOException {
        Path path = LiveDaemonProfile.MANIFESTS.resolve(file);
        Path temp = Files.writeString(LiveDaemonProfile.MANIFESTS.resolve("." + file + ".tmp"), yaml);
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
        written.add(path);
    }

    @Inject
    Vertx vertx;

    @Test
    void probesAreAnsweredWhileEveryWorkerThreadIsBusy() throws Exception {
        // Hundreds of clients listing processes keep the API's few worker threads busy; Kubernetes waits 1 s for a
        // probe and restarts the daemon after a few misses. Here every worker is held, and one more task waits.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(WORKERS);
        AtomicBoolean extraStarted = new AtomicBoolean();
        try {
            for (int i = 0; i < WORKERS; i++) {
                vertx.executeBlocking(() -> {
                    holding.countDown();
                    return release.await(2, TimeUnit.MINUTES);
                }, false);
            }
            assertTrue(holding.await(60, TimeUnit.SECONDS), "every worker thread is held");
            vertx.executeBlocking(() -> extraStarted.getAndSet(true), false);

            HttpClient client = HttpClient.newHttpClient();
            for (String probe : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + RestAssured.port + probe)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(answer.body().contains("\"status\""), probe + ": " + answer.body());
            }
            assertFalse(extraStarted.get(), "the probes were answered while no worker thread was free");
        } finally {
            release.countDown();
        }
    }

    @Test
    void readyOnceRealProcessesRunAndTheirMetricsComeFromProc() throws IOException {
        manifest("sleeper.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: sleeper}
                spec:
                  command: ["sleep", "600"]
                  replicas: 2
                  startSeconds: 1
                """);
        await().atMost(Duration.ofSeconds(15)).until(() -> "2/2 RUNNING".equals(readiness("sleeper")));
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);

        String text = MetricsTest.scrape();
        for (String process : List.of("sleeper-0", "sleeper-1")) {
            String labels = "group=\"sleeper\",process=\"" + process + "\",program=\"sleeper\"";
            assertEquals(20, MetricsTest.value(text, "steward_process_state_code", labels));
            assertTrue(MetricsTest.value(text, "steward_process_resident_memory_bytes", labels) > 0);
            assertTrue(MetricsTest.value(text, "steward_process_uptime_seconds", labels) >= 1);
        }
        assertEquals(1, MetricsTest.value(text, "steward_programs"));
        assertTrue(MetricsTest.value(text, "steward_reconcile_passes_total") >= 2);
    }

    @Test
    void aProgramThatCannotStartMakesTheDaemonUnready() throws IOException {
        manifest("broken.yaml", """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: broken}
                spec:
                  command: ["/nonexistent/steward-test-binary"]
                  startRetries: 1
                """);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertEquals(200, MetricsTest.value(MetricsTest.scrape(), "steward_process_state_code", "process=\"broken\"")));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.broken", equalTo("0/1 RUNNING; broken FATAL"));
    }

    @Test
    void anInvalidManifestIsReportedAndMakesTheDaemonUnreadyOnlyWhenNothingOfItRuns() throws IOException {
        String good = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: bad}
                spec:
                  command: ["sleep", "600"]
                  startSeconds: 0
                """;
        manifest("bad.yaml", good);
        await().atMost(Duration.ofSeconds(15)).until(() -> "1/1 RUNNING".equals(readiness("bad")));
        manifest("bad.yaml", good + "  replicas: many\n");
        String file = LiveDaemonProfile.MANIFESTS.resolve("bad.yaml").toString();
        await().atMost(Duration.ofSeconds(15)).until(() -> readiness(file) != null);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.'" + file + "'", equalTo(
                        "invalid at 7:13: spec.replicas: must be a whole number, from 0 to 10000 (got \"many\")"));
        String text = MetricsTest.scrape();
        assertEquals(1, MetricsTest.value(text, "steward_manifests_invalid"));
        assertTrue(MetricsTest.value(text, "steward_reconcile_passes_with_errors_total") >= 1);

        manifest("never.yaml", good.replace("name: bad", "name: never") + "  replicas: many\n");
        String never = LiveDaemonProfile.MANIFESTS.resolve("never.yaml").toString();
        await().atMost(Duration.ofSeconds(15)).until(() -> readiness(never) != null);
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.'" + never + "'", equalTo(
                        "invalid at 7:13: spec.replicas: must be a whole number, from 0 to 10000 (got \"many\") (nothing from this file runs)"));
    }

    @Test
    void aManifestDirectoryThatIsGoneIsReportedAndMakesTheDaemonUnreadyOnceNothingRuns() throws IOException {
        Path aside = LiveDaemonProfile.MANIFESTS.resolveSibling(LiveDaemonProfile.MANIFESTS.getFileName() + "-aside");
        Files.move(LiveDaemonProfile.MANIFESTS, aside);
        try {
            // The daemon's log said it, once; an operator who watches only the probes and the metrics saw UP and nothing.
            await().atMost(Duration.ofSeconds(15)).until(() -> readiness("manifest directory") != null);
            assertTrue(readiness("manifest directory").startsWith("the manifest directory " + LiveDaemonProfile.MANIFESTS
                    + " is gone"), readiness("manifest directory"));
            given().get("/q/health/ready").then().statusCode(503);
            assertEquals(1, MetricsTest.value(MetricsTest.scrape(), "steward_manifest_directory_unreadable"));
        } finally {
            Files.move(aside, LiveDaemonProfile.MANIFESTS);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> readiness("manifest directory") == null);
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals(0, MetricsTest.value(MetricsTest.scrape(), "steward_manifest_directory_unreadable"));
    }
}
