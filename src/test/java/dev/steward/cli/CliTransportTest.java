package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The hand-written HTTP/1.1: Content-Length, chunked (with extensions and trailers), EOF-delimited, over TCP, and an
 * answer that comes before the request's body has been sent.
 */
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
            assertEquals(3, status.code(), "one of the three is STOPPED; " + status);
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
            assertEquals(4, gateway.code(), "status: the daemon cannot be reached");
            assertEquals("error: the server answered HTTP 502 with something other than a Steward daemon's answer"
                    + " (<h1>Bad Gateway</h1>); check that --server or STEWARD_SERVER names a Steward daemon, or, through a"
                    + " proxy, that the daemon behind it runs\n", gateway.err());
            // another web server on the port named: its page on one line, and exit 3 as for no daemon
            daemon.on("GET", "/processes/web-0/logs", new Answer(404, "text/html", Map.of(),
                    "<head>\n<title>Error response</title>\n</head>\n<body>\n<p>Error code 404.\n</body>\n", null, false));
            CliRun.Result page = CliRun.run(Map.of("STEWARD_SERVER", daemon.address), java.nio.file.Path.of("."), "", "logs", "web-0");
            assertEquals(3, page.code(), page::toString);
            assertEquals("error: the server answered HTTP 404 with something other than a Steward daemon's answer"
                    + " (<head> <title>Error response</title> </head> <body> <p>Error code 404. </body>); check that --server"
                    + " or STEWARD_SERVER names a Steward daemon, or, through a proxy, that the daemon behind it runs\n", page.err());
        }
    }

    @Test
    void anAnswerSentBeforeTheBodyWasReadIsWhatTheCliPrints(@TempDir Path dir) throws Exception {
        // As the daemon answers a body over its limit: from the head alone, then it closes the connection.
        Path manifests = Files.createDirectories(dir.resolve("m"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(manifests.resolve("f" + i + ".yaml"), ("#" + "x".repeat(1022) + "\n").repeat(800));
        }
        String detail = "the request's body is 4100000 bytes, more than the 2097152 (2 MiB) a request may hold";
        Path socket = dir.resolve("steward.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = new Thread(() -> {
                try (SocketChannel channel = server.accept()) {
                    BufferedReader head = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                            StandardCharsets.ISO_8859_1));
                    while (!head.readLine().isEmpty()) {
                        // only the head is read
                    }
                    String problem = "{\"status\":413,\"code\":\"TooLarge\",\"detail\":\"" + detail + "\"}";
                    Channels.newOutputStream(channel).write(("HTTP/1.1 413 Request Entity Too Large\r\nConnection: close\r\n"
                            + "Content-Type: application/problem+json\r\nContent-Length: " + problem.length() + "\r\n\r\n"
                            + problem).getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            daemon.start();
            CliRun.Result r = CliRun.run(Map.of(), dir, "", "--server", socket.toString(), "apply", "-f", "m");
            daemon.join(10_000);
            assertEquals(1, r.code(), r::toString);
            assertEquals("error: " + detail + "\n", r.err());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // before the fix, the connect waited for ever
    void aUnixSocketWhoseListenQueueIsFullIsGivenUpOnAfterTheConnectTimeout(@TempDir Path dir) throws Exception {
        // A daemon that accepts nothing (stuck, or stopped with SIGSTOP) once as many connections wait as its backlog holds.
        Path socket = dir.resolve("steward.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            java.util.List<SocketChannel> waiting = new java.util.ArrayList<>();
            try {
                while (true) { // fill the queue: a connect that would block fails at once when non-blocking
                    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                    waiting.add(channel);
                    channel.configureBlocking(false);
                    channel.connect(UnixDomainSocketAddress.of(socket));
                }
            } catch (IOException full) {
                // the queue is full
            }
            HttpTransport http = new HttpTransport(HttpTransport.Endpoint.unix(socket), 300);
            HttpTransport.UnreachableException e = assertThrows(HttpTransport.UnreachableException.class,
                    () -> http.send("GET", "/api/v1/processes", null, null, null));
            assertEquals("connect timed out: its socket takes no more connections; is the daemon stuck, or stopped"
                    + " (kill -CONT PID)?", e.getMessage());
            for (SocketChannel channel : waiting) {
                channel.close();
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anActionWithoutATimeoutIsWaitedForWhileTheDaemonAnswersOtherRequests(@TempDir Path dir) throws Exception {
        // A stop that waits out a long stopTimeoutSeconds: the daemon answers the client's other requests meanwhile.
        Path socket = dir.resolve("steward.sock");
        java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = fakeDaemon(socket, (request, channel) -> {
            asked.add(request);
            Thread answer = new Thread(() -> {
                try (channel) {
                    String body = "{}";
                    if (request.contains("/actions/stop")) {
                        Thread.sleep(2500); // its stopTimeoutSeconds, then SIGKILL
                        body = "{\"items\": [{\"name\": \"web\", \"ok\": true, \"state\": \"STOPPED\","
                                + " \"message\": \"stopped (terminated by SIGKILL)\"}], \"ok\": true}";
                    }
                    Channels.newOutputStream(channel).write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException | InterruptedException e) {
                    // the client went away
                }
            });
            answer.setDaemon(true);
            answer.start();
        })) {
            CliRun.Result stop = CliRun.run(Map.of("STEWARD_REQUEST_TIMEOUT", "0.5"), dir, "", "--server", socket.toString(), "stop", "web");

            assertEquals(0, stop.code(), stop::toString);
            assertEquals("web: stopped (terminated by SIGKILL)\n", stop.out());
            assertEquals(true, asked.stream().filter(request -> request.startsWith("GET /api/v1/version")).count() >= 2,
                    "asked whether it still answers: " + asked);
        }
    }

    /** What a fake daemon does with a request whose head it has read. */
    private interface RequestHandler {
        void answer(String requestLine, SocketChannel channel) throws IOException, InterruptedException;
    }

    /**
     * A fake daemon listening on {@code socket}, on a thread of its own: reads the head of each request and hands it to
     * {@code answer}. Closing the channel returned ends it.
     */
    private static ServerSocketChannel fakeDaemon(Path socket, RequestHandler answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread daemon = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel channel = server.accept();
                    BufferedReader head = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                            StandardCharsets.ISO_8859_1));
                    String request = head.readLine();
                    while (!head.readLine().isEmpty()) {
                        // the head only
                    }
                    answer.answer(request, channel);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed: the test is over
            }
        });
        daemon.setDaemon(true);
        daemon.start();
        return server;
    }

    @Test
    @org.junit.jupiter.api.Timeout(60) // before the fix, the first call waited for ever
    void aDaemonThatTakesTheRequestButNeverAnswersIsGivenUpOnAfterTheRequestTimeout(@TempDir Path dir) throws Exception {
        // A stuck daemon (its event loop blocked, or stopped with SIGSTOP): the kernel still takes the connection.
        Path socket = dir.resolve("steward.sock");
        java.util.List<SocketChannel> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = fakeDaemon(socket, (request, channel) -> {
            held.add(channel);
            if (request.contains("/logs")) { // a stream whose head comes at once, its bytes later: not cut
                java.io.OutputStream out = Channels.newOutputStream(channel);
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                Thread.sleep(1500); // a quiet process, followed
                out.write("6\r\nlater\n\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                channel.close();
            } // anything else: never answered
        })) {
            Map<String, String> env = Map.of("STEWARD_REQUEST_TIMEOUT", "0.5");
            long start = System.nanoTime();
            CliRun.Result stuck = CliRun.run(env, dir, "", "--server", socket.toString(), "get", "processes");
            assertEquals(3, stuck.code(), stuck::toString);
            assertEquals("error: the Steward daemon at unix:" + socket + " took the request but sent no answer within 0.5 s:"
                    + " it is stuck or overloaded; its own output (where bin/steward serve runs) may say why, and kill -QUIT PID"
                    + " (its pid is in the state directory's steward.lock) prints its threads there."
                    + " STEWARD_REQUEST_TIMEOUT=SECONDS waits longer (0: for ever)\n", stuck.err());
            assertEquals(true, System.nanoTime() - start < 20_000_000_000L, "given up on, not waited for");

            long action = System.nanoTime();
            CliRun.Result stop = CliRun.run(env, dir, "", "--server", socket.toString(), "stop", "web", "--timeout", "1");
            assertEquals(3, stop.code(), stop::toString);
            assertEquals(true, stop.err().contains("no answer within 1.5 s"), "the action's own --timeout, then the wait: " + stop.err());
            assertEquals(true, System.nanoTime() - action >= 1_400_000_000L, "an action may take its --timeout");

            // Without --timeout the daemon may take an hour over an action, or nothing over a signal: a daemon that answers
            // nothing else either is given up on as soon, not after an hour.
            long unbounded = System.nanoTime();
            CliRun.Result stopAll = CliRun.run(env, dir, "", "--server", socket.toString(), "stop", "web");
            assertEquals(3, stopAll.code(), stopAll::toString);
            assertEquals(true, stopAll.err().contains("sent no answer to it, nor to another request within 0.5 s: it is stuck"),
                    stopAll.err());
            CliRun.Result signal = CliRun.run(env, dir, "", "--server", socket.toString(), "signal", "HUP", "web");
            assertEquals(3, signal.code(), signal::toString);
            assertEquals(true, signal.err().contains("sent no answer within 0.5 s: it is stuck"), signal.err());
            assertEquals(true, System.nanoTime() - unbounded < 20_000_000_000L, "given up on, not waited for an hour");

            CliRun.Result follow = CliRun.run(env, dir, "", "--server", socket.toString(), "logs", "web-0", "-f");
            assertEquals(0, follow.code(), follow::toString);
            assertEquals("later\n", follow.out(), "a stream whose answer began is not cut, however quiet");

            CliRun.Result bad = CliRun.run(Map.of("STEWARD_REQUEST_TIMEOUT", "soon"), dir, "", "--server", socket.toString(), "status");
            assertEquals(2, bad.code(), bad::toString);
            assertEquals(true, bad.err().startsWith("error: STEWARD_REQUEST_TIMEOUT must be a number of seconds"), bad.err());
            for (SocketChannel channel : held) {
                channel.close();
            }
        }
    }
}
