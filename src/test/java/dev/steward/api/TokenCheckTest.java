package dev.steward.api;

import static dev.steward.api.ApiFixture.sleeper;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests over TCP carry the daemon's token, or are refused before anything is read or done. */
@QuarkusTest
class TokenCheckTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    @AfterEach
    void cleanUp() throws IOException {
        ApiFixture.cleanUp();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder to(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path));
    }

    @Test
    void aRequestWithoutTheTokenIsRefusedAndSaysWhereTheTokenIs() throws Exception {
        HttpResponse<String> none = send(to("/api/v1/programs"));
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("application/problem+json", none.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Bearer realm=\"steward\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(none.body().contains("\"code\":\"Unauthorized\""), none.body());
        // This profile serves no unix socket (SocketTest has one), so none is offered: the client would find nothing there.
        assertTrue(none.body().contains("\"detail\":\"a request over TCP must carry the daemon's token (Authorization:"
                + " Bearer TOKEN); the token is the daemon's STEWARD_TOKEN\""), none.body());

        HttpResponse<String> wrong = send(to("/api/v1/programs").header("Authorization", "Bearer test-tokens"));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("does not carry this daemon's token"), wrong.body());
    }

    @Test
    void theTokenAsBearerOrAsABasicPasswordIsAccepted() throws Exception {
        assertEquals(200, send(to("/api/v1/programs").header("Authorization", "Bearer test-token")).statusCode());
        String basic = Base64.getEncoder().encodeToString("admin:test-token".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, send(to("/api/v1/version").header("Authorization", "Basic " + basic)).statusCode());
    }

    @Test
    void anotherSitesPageIsRefusedEvenWithTheToken() throws Exception {
        HttpResponse<String> form = send(to("/api/v1/programs?dryRun=true").header("Authorization", "Bearer test-token")
                .header("Origin", "https://evil.example").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(sleeper("api-csrf"))));
        assertEquals(401, form.statusCode(), form.body());
        assertTrue(form.body().contains("another site's page"), form.body());
        assertEquals(401, send(to("/api/v1/programs").header("Authorization", "Bearer test-token")
                .header("Sec-Fetch-Site", "cross-site")).statusCode());
        assertEquals(200, send(to("/api/v1/programs").header("Authorization", "Bearer test-token")
                .header("Sec-Fetch-Site", "same-origin")).statusCode());
    }

    @Test
    void healthMetricsAndTheApisDescriptionNeedNoToken() throws Exception {
        assertEquals(200, send(to("/q/health/live")).statusCode());
        assertEquals(200, send(to("/q/health/started")).statusCode());
        assertEquals(200, send(to("/q/metrics")).statusCode());
        assertEquals(200, send(to("/q/openapi")).statusCode());
    }

    @Test
    void aManifestSentWithoutTheTokenIsNotApplied() throws Exception {
        HttpResponse<String> refused = send(to("/api/v1/programs").header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(sleeper("api-stranger"))));
        assertEquals(401, refused.statusCode(), refused.body());
        given().get("/api/v1/programs/api-stranger").then().statusCode(404);
    }

    @Test
    void aPathThatOnlyStartsAsAHealthCheckNeedsTheToken() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET /q/health/../../api/v1/programs HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
        }
    }
}
