package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The hand-written HTTP/1.1: Content-Length, chunked (with extensions and trailers), EOF-delimited, over TCP. */
class CliTransportTest {
    private static HttpTransport.Response parse(String raw) throws IOException {
        return HttpTransport.readResponse(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)), () -> { }, "GET");
    }

    @Test
    void contentLength() throws IOException {
        HttpTransport.Response r = parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}garbage");
        assertEquals(200, r.status);
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("{}", r.text());
    }

    @Test
    void repeatedHeadersAreJoinedInOrder() throws IOException {
        HttpTransport.Response r = parse("HTTP/1.1 200 OK\r\nVary: a\r\nContent-Length: 0\r\nvary:  b \r\nVARY: c\r\n\r\n");
        assertEquals("a, b, c", r.header("Vary"));
        assertEquals("0", r.header("content-length"));
    }

    @Test
    void chunkedWithExtensionsAndTrailers() throws IOException {
        HttpTransport.Response r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n");
        assertEquals("hello 0123456789", r.text());
    }

    @Test
    void untilEofAndContinueSkipped() throws IOException {
        HttpTransport.Response r = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not Found\nX: 1\n\nbody");
        assertEquals(404, r.status);
        assertEquals("body", r.text());
    }

    @Test
    void truncatedResponsesAreErrors() {
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort").text());
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab").text());
        assertThrows(IOException.class, () -> parse(""));
        assertThrows(IOException.class, () -> parse("SSH-2.0-OpenSSH\r\n\r\n"));
    }

    @Test
    void overTcpToo() throws IOException {
        try (FakeDaemon daemon = FakeDaemon.tcp()) {
            daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
            daemon.on("GET", "/processes/web-0/logs", Answer.chunked("text/plain", "a\n", "b\n"));
            CliRun.Result status = CliRun.run(Map.of("STEWARD_SERVER", daemon.address), java.nio.file.Path.of("."), "", "status");
            assertEquals(0, status.code(), status::toString);
            assertEquals(3, status.out().lines().count());
            CliRun.Result logs = CliRun.run(Map.of("STEWARD_SERVER", daemon.address), java.nio.file.Path.of("."), "", "logs", "web-0");
            assertEquals("a\nb\n", logs.out());
            assertEquals("127.0.0.1:" + daemon.address.substring(daemon.address.lastIndexOf(':') + 1), daemon.last().headers().get("host"));
        }
    }

    @Test
    void notJsonIsAClearError() throws IOException {
        try (FakeDaemon daemon = FakeDaemon.tcp()) {
            daemon.on("GET", "/programs", Answer.text("<html>hello</html>"));
            CliRun.Result r = CliRun.run(Map.of("STEWARD_SERVER", daemon.address), java.nio.file.Path.of("."), "", "get", "programs");
            assertEquals(1, r.code(), r::toString);
            assertEquals(true, r.err().contains("sent something that is not JSON"), r.err());
            daemon.on("GET", "/processes", new Answer(502, "text/html", Map.of(), "<h1>Bad Gateway</h1>", null, false));
            CliRun.Result gateway = CliRun.run(Map.of("STEWARD_SERVER", daemon.address), java.nio.file.Path.of("."), "", "status");
            assertEquals(1, gateway.code());
            assertEquals("error: the daemon answered HTTP 502: <h1>Bad Gateway</h1>\n", gateway.err());
        }
    }
}
