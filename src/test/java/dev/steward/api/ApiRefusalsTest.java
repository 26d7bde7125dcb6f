package dev.steward.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The framework's own refusals (no such operation on a path, a media type it cannot answer in), as problems. */
@QuarkusTest
class ApiRefusalsTest {
    /** The header line requests written by hand carry: the test profile's token. */
    private static final String TOKEN = "Authorization: " + ApiFixture.AUTHORIZATION + "\r\n";

    @Test
    void aMethodThePathDoesNotHaveIsMethodNotAllowedWithTheAllowedOnes() {
        given().post("/api/v1/programs/x").then().statusCode(405)
                .contentType("application/problem+json")
                .header("Allow", equalTo("GET, HEAD, DELETE, OPTIONS"))
                .body("status", equalTo(405))
                .body("code", equalTo("MethodNotAllowed"))
                .body("title", equalTo("Method Not Allowed"))
                .body("type", equalTo("https://steward.dev/problems/method-not-allowed"))
                .body("detail", equalTo("POST is not allowed on /api/v1/programs/x; allowed: GET, DELETE"));
        given().put("/api/v1/programs").then().statusCode(405)
                .header("Allow", equalTo("GET, HEAD, POST, OPTIONS"))
                .body("detail", equalTo("PUT is not allowed on /api/v1/programs; allowed: GET, POST"));
        given().get("/api/v1/actions/stop").then().statusCode(405)
                .header("Allow", equalTo("POST, OPTIONS"))
                .body("detail", equalTo("GET is not allowed on /api/v1/actions/stop; allowed: POST"));
        given().delete("/q/openapi").then().statusCode(405)
                .header("Allow", equalTo("GET, HEAD, OPTIONS"))
                .body("code", equalTo("MethodNotAllowed"));
    }

    @Test
    void optionsListsWhatTheVeryPathAllowsAsA405Does() {
        // The framework's own answer also listed POST here, from the class's other path, which a POST refuses.
        given().options("/api/v1/programs/x").then().statusCode(200).header("Allow", equalTo("GET, HEAD, DELETE, OPTIONS"));
        given().options("/api/v1/programs").then().statusCode(200).header("Allow", equalTo("GET, HEAD, POST, OPTIONS"));
        given().options("/api/v1/programs/x/scale").then().statusCode(200).header("Allow", equalTo("POST, OPTIONS"));
    }

    @Test
    void anAcceptHeaderThatExcludesWhatTheOperationAnswersIsNotAcceptable() {
        given().accept("text/csv").get("/api/v1/programs").then().statusCode(406)
                .contentType("application/problem+json")
                .body("status", equalTo(406))
                .body("code", equalTo("NotAcceptable"))
                .body("title", equalTo("Not Acceptable"))
                .body("type", equalTo("https://steward.dev/problems/not-acceptable"))
                .body("detail", equalTo("GET /api/v1/programs answers in application/json, which the Accept header"
                        + " (text/csv) does not take; accept application/json or send no Accept header"))
                .body("detail", not(containsString("@Produces")));
        given().accept("application/json").get("/api/v1/processes/x/logs").then().statusCode(406)
                .body("code", equalTo("NotAcceptable"))
                .body("detail", containsString("answers in text/plain"));
    }

    @Test
    void aUrlThatCannotBeDecodedIsABadRequestThatSaysHowToEncodeIt() throws IOException {
        for (String url : new String[] {"/api/v1/programs/a%zz", "/api/v1/programs/a%", "/api/v1/processes?selector=%zz",
                "/api/v1/programs/a|b", "/q/health/%"}) {
            String response = rawGet(url); // as curl sends it: HTTP clients in Java refuse to
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("Content-Type: application/problem+json"), response);
            assertTrue(response.contains("\"code\":\"BadRequest\""), response);
            assertTrue(response.contains("the request's URL could not be read ("), response);
            assertTrue(response.contains("%25 for %, %20 for a space"), response);
        }
        assertTrue(rawGet("/api/v1/programs/a%25zz").startsWith("HTTP/1.1 404 "));
    }

    @Test
    void anHttp11RequestWithoutAHostHeaderIsABadRequestThatSaysSo() throws IOException {
        for (String target : new String[] {"/api/v1/processes", "/q/health"}) {
            String response = raw("GET " + target + " HTTP/1.1\r\nConnection: close\r\n" + TOKEN + "\r\n");
            assertTrue(response.startsWith("HTTP/1.1 400 "), response);
            assertTrue(response.contains("Content-Type: application/problem+json"), response);
            assertTrue(response.contains("the request has no Host header, which HTTP/1.1 requires"), response);
        }
    }

    @Test
    void aBodyDeclaredOverTheRequestLimitIsTooLargeBeforeItIsSent() throws IOException {
        // Only the head is sent: the answer must come without the body being read.
        String response = raw("POST /api/v1/programs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
                + "Content-Length: " + (10 * 1024 * 1024 + 1) + "\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        assertTrue(response.contains("Content-Type: application/problem+json"), response);
        assertTrue(response.contains("\"code\":\"TooLarge\""), response);
        assertTrue(response.contains("the request's body is 10485761 bytes, more than the 10485760 (10 MiB) a request"
                + " may hold; nothing was read or applied: send fewer manifests per request"), response);

        String elsewhere = raw("POST /api/v1/actions/stop?target=all HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 20000000\r\n\r\n");
        assertTrue(elsewhere.startsWith("HTTP/1.1 413 "), elsewhere);
        assertTrue(elsewhere.contains("nothing was read: no operation of this API takes a body that large"), elsewhere);
    }

    @Test
    void aChunkedBodyOverTheRequestLimitIsTheSameTooLargeProblem() throws Exception {
        // No Content-Length to refuse it by: it is refused once more than the limit has been read.
        String yaml = sendChunked("POST /api/v1/programs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
                + "Transfer-Encoding: chunked\r\n" + TOKEN + "\r\n", "", 11 * 1024);
        String multipart = sendChunked("POST /api/v1/programs HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: multipart/form-data; boundary=b0undary\r\nTransfer-Encoding: chunked\r\n" + TOKEN + "\r\n",
                "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.yaml\"\r\n\r\n", 11 * 1024);
        for (String response : new String[] {yaml, multipart}) {
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.contains("Content-Type: application/problem+json"), response);
            assertTrue(response.contains("\"code\":\"TooLarge\""), response);
            assertTrue(response.contains("\"detail\":\"the request's body is more than the 10485760 (10 MiB) a request may hold;"
                    + " nothing was applied: send fewer manifests per request (each at most 1 MiB)\""), response);
        }
    }

    @Test
    void aChunkedBodyUnderTheLimitIsReadAsBefore() throws Exception {
        String response = sendChunked("POST /api/v1/programs?dryRun=true HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/yaml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n" + TOKEN + "\r\n", "a: b\n",
                512);
        assertTrue(response.startsWith("HTTP/1.1 422 "), response); // a document with no Program, and 512 KiB of comments
        assertTrue(response.contains("\"code\":\"Invalid\""), response);
    }

    /**
     * Sends {@code head}, then a chunked body of {@code first} and {@code kibibytes} KiB of YAML comment lines, from
     * another thread, and returns the answer, which may come (and the connection close) before all of it is sent.
     */
    private static String sendChunked(String head, String first, int kibibytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            Thread writer = new Thread(() -> {
                try {
                    var out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    if (!first.isEmpty()) {
                        chunk(out, first.getBytes(StandardCharsets.UTF_8));
                    }
                    byte[] comments = ("#" + "x".repeat(1022) + "\n").repeat(64).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < kibibytes / 64; i++) {
                        chunk(out, comments);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // the last chunk
                    out.flush();
                } catch (IOException answeredAndClosed) {
                    // the server stopped reading: its answer is what the test reads
                }
            });
            writer.start();
            var response = new java.io.ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(response);
            } catch (java.net.SocketException reset) {
                // closed with the rest of the body unread, the connection is reset after the answer
            }
            writer.join(60_000);
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static void chunk(java.io.OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String rawGet(String target) throws IOException {
        return raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + TOKEN + "\r\n");
    }

    private static String raw(String head) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000); // the answer ends with the connection closed; a hang fails the test
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
