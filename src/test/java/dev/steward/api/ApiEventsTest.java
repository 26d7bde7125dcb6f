package dev.steward.api;

import static dev.steward.api.ApiFixture.apply;
import static dev.steward.api.ApiFixture.awaitState;
import static dev.steward.api.ApiFixture.sleeper;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.steward.daemon.Daemon;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The event history, its filters, and the server-sent event stream. */
@QuarkusTest
class ApiEventsTest {

    @Inject
    EventsResource events;

    @Inject
    Daemon daemon;

    @BeforeEach
    @AfterEach
    void cleanUp() throws IOException {
        ApiFixture.cleanUp();
    }

    @Test
    void listFiltersByObjectAndKeepsTheNewest() {
        apply(sleeper("api-ev")).statusCode(200);
        awaitState("api-ev", "RUNNING");
        given().get("/api/v1/events?object=program/api-ev").then().statusCode(200)
                .body("items.object", everyItem(equalTo("program/api-ev")))
                .body("items.reason", hasItem("Applied"))
                .body("items.reason", hasItem("Added"));
        List<Long> ids = given().get("/api/v1/events").jsonPath().getList("items.id", Long.class);
        assertTrue(ids.size() >= 3);
        given().get("/api/v1/events?limit=2").then().statusCode(200)
                .body("items", hasSize(2))
                .body("items[1].id", equalTo(ids.get(ids.size() - 1).intValue()))
                .body("items[0].type", org.hamcrest.Matchers.oneOf("Normal", "Warning"))
                .body("items[0].count", org.hamcrest.Matchers.greaterThan(0))
                .body("items[0].firstTimestamp", org.hamcrest.Matchers.matchesPattern("\\d{4}-.*Z"));
        given().get("/api/v1/events?object=process/api-ev").then()
                .body("items.reason", hasItem("Running"));
        given().get("/api/v1/events?limit=lots").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("BadRequest"))
                .body("detail", containsString("limit"));
    }

    @Test
    void streamSendsNewEventsAndStopsWhenTheClientLeaves() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/api/v1/events/stream")).header("Accept", "text/event-stream")
                .header("Authorization", ApiFixture.AUTHORIZATION).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        await().atMost(ApiFixture.PATIENCE).until(() -> events.subscribers() == 1);
        apply(sleeper("api-sse")).statusCode(200);
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    JsonNode event = json.readTree(line.substring(5));
                    if (event.get("object").asText().equals("process/api-sse")
                            && event.get("reason").asText().equals("Running")) {
                        assertTrue(event.get("id").asLong() > 0);
                        assertTrue(event.get("message").asText().contains("running"));
                        break;
                    }
                }
            }
            assertTrue(line != null, "the stream ended before the process was reported running");
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> events.subscribers() == 0);
    }

    @Test
    void aNewStreamStartsWithTheLatestEventSoAClientKnowsItIsSubscribed() throws Exception {
        apply(sleeper("api-sse-latest")).statusCode(200);
        awaitState("api-sse-latest", "RUNNING");
        long latest = given().get("/api/v1/events").jsonPath().getList("items.id", Long.class).stream()
                .mapToLong(Long::longValue).max().orElseThrow();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/api/v1/events/stream")).header("Accept", "text/event-stream")
                .header("Authorization", ApiFixture.AUTHORIZATION).build();
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            while (line != null && !line.startsWith("data:")) {
                line = reader.readLine();
            }
            assertTrue(line != null, "the stream ended without an event");
            assertEquals(latest, new ObjectMapper().readTree(line.substring(5)).get("id").asLong(), line);
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> events.subscribers() == 0);
    }

    @Test
    void aClientThatStopsReadingHasItsStreamClosedInsteadOfTheEventsPilingUpInTheDaemon() throws Exception {
        // A suspended `steward get -w` (Ctrl-Z): connected, reading nothing. Without a bound the daemon kept every event
        // for it, until it ran out of heap and exited with every program.
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("localhost", RestAssured.port));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/v1/events/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                    + "Authorization: " + ApiFixture.AUTHORIZATION + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(ApiFixture.PATIENCE).until(() -> events.subscribers() == 1);
            String message = "x".repeat(4096);
            // Far more than the socket's buffers and the history hold: 80 MiB, were they all kept.
            for (int i = 0; i < 20_000 && events.subscribers() > 0; i++) {
                daemon.history().record("Normal", "TestFlood", "program/api-flood", message);
            }
            await().atMost(ApiFixture.PATIENCE).until(() -> events.subscribers() == 0);
            // Its connection is closed: what it had not read yet, then the end.
            stalled.setSoTimeout((int) ApiFixture.PATIENCE.toMillis());
            InputStream in = stalled.getInputStream();
            byte[] buffer = new byte[65536];
            int read;
            try {
                do {
                    read = in.read(buffer);
                } while (read >= 0);
            } catch (java.net.SocketException reset) {
                // closed with a reset: the end all the same
            }
        }
    }
}
