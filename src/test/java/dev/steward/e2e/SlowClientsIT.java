package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that hold a place in the daemon's HTTP server without sending a request (idle, or a header byte now and
 * then: a slowloris), or with a request answered whose body comes a byte now and then, are closed once {@code
 * quarkus.http.idle-timeout} has passed, on TCP and on the unix socket, and
 * operators get answers again; answers in progress (an action waiting for its process, {@code logs -f} and the event
 * stream with nothing to send) are not cut by it. At Quarkus' default of 30 minutes, the 512 places over TCP stayed
 * taken that long, and a quiet {@code logs -f} or {@code get -w} was cut after it.
 */
class SlowClientsIT {
    /** The idle timeout, 10 s by default: the stream test waits three of them. */
    private static final List<String> SHORT_IDLE_TIMEOUT = List.of("-Dquarkus.http.idle-timeout=2s");
    /** The start of a request whose head never ends, sent a byte at a time. */
    private static final byte[] ENDLESS_HEAD = ("GET /q/health/ready HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(4000))
            .getBytes(StandardCharsets.US_ASCII);
    /** Requests answered at once, without a token, whose bodies never end: health's, and two refused before any route. */
    private static final List<String> ENDLESS_BODY_HEADS = List.of(
            "POST /q/health/live HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n",
            "POST /q/health/%zz HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n",
            "POST /q/health/live HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n");

    @TempDir
    Path root;

    @Test
    void idleAndSlowConnectionsAreClosedAndOperatorsGetAnswersAgain() throws Exception {
        int port = Http.freePort();
        Path state = root.resolve("state");
        // The idle timeout as it ships, 10 s
        try (DaemonProcess daemon = DaemonProcess.start(root, "SlowClientsIT-flood", "127.0.0.1:" + port)) {
            String ready = "http://127.0.0.1:" + port + "/q/health/ready";
            await("the daemon's health").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(ready) == 200);
            String token = daemon.token();
            List<Socket> idle = new ArrayList<>();
            List<Socket> slow = new ArrayList<>();
            List<Socket> bodies = new ArrayList<>();
            List<SocketChannel> unix = new ArrayList<>();
            ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
            try {
                // 512 over TCP, every place the daemon keeps there
                for (int i = 0; i < 200; i++) {
                    idle.add(new Socket(InetAddress.getLoopbackAddress(), port));
                    slow.add(new Socket(InetAddress.getLoopbackAddress(), port));
                }
                // answered at once, without a token; then the body, which is not read, comes a byte at a time
                for (int i = 0; i < 112; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.getOutputStream().write(ENDLESS_BODY_HEADS.get(i % ENDLESS_BODY_HEADS.size()).getBytes(StandardCharsets.US_ASCII));
                    bodies.add(socket);
                }
                List<Socket> dripped = new ArrayList<>(slow);
                dripped.addAll(bodies);
                for (int i = 0; i < 100; i++) {
                    unix.add(SocketChannel.open(UnixDomainSocketAddress.of(state.resolve("steward.sock"))));
                }
                AtomicInteger sent = new AtomicInteger();
                drip.scheduleWithFixedDelay(() -> dripOneByte(dripped, unix.subList(0, 50), sent.getAndIncrement()),
                        0, 200, TimeUnit.MILLISECONDS);
                await("the idle and slow connections, and those of a body that never ends, closed by the daemon").atMost(DaemonProcess.PATIENCE)
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> Http.closedByTheDaemon(idle) == idle.size() && Http.closedByTheDaemon(slow) == slow.size()
                                && Http.closedByTheDaemon(bodies) == bodies.size() && closedChannels(unix) == unix.size());
                assertTrue(sent.get() >= 5, "bytes were still coming on the slow connections");
                assertEquals(200, Http.status(ready));
                assertEquals(200, Http.status("http://127.0.0.1:" + port + "/api/v1/programs", token));
            } finally {
                drip.shutdownNow();
                for (Socket socket : idle) {
                    socket.close();
                }
                for (Socket socket : slow) {
                    socket.close();
                }
                for (Socket socket : bodies) {
                    socket.close();
                }
                for (SocketChannel channel : unix) {
                    channel.close();
                }
            }
            assertEquals(0, daemon.terminate());
        }
    }

    @Test
    void answersInProgressOutliveTheIdleTimeout() throws Exception {
        int port = Http.freePort();
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path state = root.resolve("state");
        Path flag = root.resolve("flag");
        Files.writeString(manifests.resolve("late.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: late}
                spec:
                  command: ["/bin/sh", "-c", "echo early; while [ ! -e '%s' ]; do sleep 0.1; done; echo late; exec sleep 1000"]
                  startSeconds: 0
                """.formatted(flag));
        // Its stop takes 5 s, more than two idle timeouts: the action waits that long without a byte to send.
        Files.writeString(manifests.resolve("slowstop.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: slowstop}
                spec:
                  command: ["/bin/sh", "-c", "trap 'sleep 5; exit 0' TERM; while true; do sleep 0.1; done"]
                  startSeconds: 0
                  stopTimeoutSeconds: 30
                """);
        try (DaemonProcess daemon = DaemonProcess.start(SHORT_IDLE_TIMEOUT, root, "SlowClientsIT-streams", "127.0.0.1:" + port)) {
            String base = "http://127.0.0.1:" + port;
            await("both programs running").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(base + "/q/health/ready") == 200);
            String token = daemon.token();
            try (RawStream logs = RawStream.unix(state.resolve("steward.sock"), "/api/v1/processes/late/logs?follow=true");
                 RawStream events = RawStream.tcp(port, "/api/v1/events/stream", token)) {
                await("the log so far").atMost(DaemonProcess.PATIENCE).until(() -> logs.text().contains("early\n"));
                CompletableFuture<Integer> stop = CompletableFuture.supplyAsync(
                        () -> Http.postStatus(base + "/api/v1/actions/stop?target=slowstop&timeout=30", token));
                await("both streams open, three idle timeouts long").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                        .until(() -> !logs.ended() && !events.ended());
                assertEquals(200, stop.get(30, TimeUnit.SECONDS), "the stop action, answered after 5 s");
                await("the stop's end on the event stream, 5 s after its start").atMost(DaemonProcess.PATIENCE)
                        .until(() -> events.text().contains("\"reason\":\"Stopped\""));
                Files.createFile(flag);
                await("the output that came after the quiet time").atMost(DaemonProcess.PATIENCE)
                        .until(() -> logs.text().contains("late\n"));
            }
            assertEquals(0, daemon.terminate());
        }
    }

    /** Sends the next byte of {@link #ENDLESS_HEAD} on every connection; the daemon closing some is expected. */
    private static void dripOneByte(List<Socket> sockets, List<SocketChannel> channels, int index) {
        byte[] one = {ENDLESS_HEAD[index % ENDLESS_HEAD.length]};
        for (Socket socket : sockets) {
            try {
                socket.getOutputStream().write(one);
            } catch (IOException closed) {
                // closed by the daemon
            }
        }
        for (SocketChannel channel : channels) {
            try {
                channel.write(ByteBuffer.wrap(one));
            } catch (IOException closed) {
                // closed by the daemon
            }
        }
    }

    private static int closedChannels(List<SocketChannel> channels) throws IOException {
        int closed = 0;
        for (SocketChannel channel : channels) {
            channel.configureBlocking(false);
            try {
                if (channel.read(ByteBuffer.allocate(1)) < 0) {
                    closed++;
                }
            } catch (IOException reset) {
                closed++;
            }
        }
        return closed;
    }

    /** A streaming GET read on a thread of its own, as it comes, until the daemon ends it. */
    private static final class RawStream implements AutoCloseable {
        private final AutoCloseable connection;
        private final StringBuffer text = new StringBuffer();
        private volatile boolean ended;

        private RawStream(AutoCloseable connection, InputStream in, OutputStream out, String head) throws IOException {
            this.connection = connection;
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException closed) {
                    // ended below
                }
                ended = true;
            }, "stream-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static RawStream tcp(int port, String path, String token) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            return new RawStream(socket, socket.getInputStream(), socket.getOutputStream(),
                    "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n");
        }

        static RawStream unix(Path socket, String path) throws IOException {
            SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            return new RawStream(channel, Channels.newInputStream(channel), Channels.newOutputStream(channel),
                    "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        }

        String text() {
            return text.toString();
        }

        boolean ended() {
            return ended;
        }

        @Override
        public void close() throws Exception {
            connection.close();
        }
    }
}
