package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hundreds of clients listing a thousand processes at once, under a small heap (64 MiB, and as much direct
 * memory): the daemon answers them all, in turn, and keeps supervising. Building every answer side by side (200
 * worker threads) ran it out of heap and direct memory.
 */
class ApiFloodIT {
    private static final int PROCESSES = 1000;
    private static final int CLIENTS = 300;

    @TempDir
    Path root;

    @Test
    void manyClientsListingAtOnceAreAnsweredInTurn() throws Exception {
        int port = Http.freePort();
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path state = root.resolve("state");
        Files.writeString(manifests.resolve("many.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: many}
                spec:
                  command: ["sleep", "1000"]
                  replicas: %d
                  startSeconds: 0
                """.formatted(PROCESSES));
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-Xmx64m"), manifests, state, "ApiFloodIT",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port))) {
            String list = "http://127.0.0.1:" + port + "/api/v1/processes";
            String token = daemon.token();
            // Every process listed first: a first pass slower than 10 s (1000 spawns on a busy machine) has the API
            // answer before it ends, with the processes created so far.
            await("the daemon's API, listing every process").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Http.status(list, token) == 200
                            && new String(Http.get(list, token), java.nio.charset.StandardCharsets.UTF_8).contains("\"many-" + (PROCESSES - 1) + "\""));
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    answers.add(clients.submit(() -> Http.get(list, token).length));
                }
                for (Future<Integer> answer : answers) {
                    assertTrue(answer.get(120, TimeUnit.SECONDS) > PROCESSES * 100, "a whole list");
                }
            } finally {
                clients.shutdownNow();
            }
            assertTrue(daemon.process().isAlive(), () -> String.join("\n", daemon.lines()));
            assertTrue(daemon.lines().stream().noneMatch(line -> line.contains("OutOfMemoryError")),
                    () -> String.join("\n", daemon.lines()));
            assertEquals(0, daemon.terminate());
        }
    }

    /**
     * Any local user may connect to the TCP port without the token, and a connection that sends nothing stays open
     * until the idle timeout: 20,000 of them took every file descriptor the daemon had (no spawn, no unix socket). At
     * most 512 TCP connections are kept; the unix socket, which only the daemon's user may use, still answers.
     */
    @Test
    void idleConnectionsOverTcpTakeAtMost512DescriptorsAndTheUnixSocketStillAnswers() throws Exception {
        int port = Http.freePort();
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path state = root.resolve("state");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of(), manifests, state, "ApiFloodIT-idle",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port))) {
            String live = "http://127.0.0.1:" + port + "/q/health/live";
            await("the daemon's health").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(live) == 200);
            Path fds = Path.of("/proc/" + daemon.pid() + "/fd");
            long before = count(fds);
            List<java.net.Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 700; i++) {
                    idle.add(new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port));
                }
                await("the connections past 512 closed by the daemon").atMost(DaemonProcess.PATIENCE)
                        .pollInterval(Duration.ofMillis(500)).until(() -> Http.closedByTheDaemon(idle) >= 700 - 512);
                assertEquals(200, unixStatus(state.resolve("steward.sock"), "/q/health/live"));
                long during = count(fds);
                assertTrue(during - before <= 520, "the daemon had " + before + " files open, and " + during
                        + " with 700 idle connections");
            } finally {
                for (java.net.Socket socket : idle) {
                    socket.close();
                }
            }
            await("TCP again, once the idle ones are gone").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(live) == 200);
            assertEquals(0, daemon.terminate());
        }
    }

    private static long count(Path directory) throws java.io.IOException {
        try (var entries = Files.list(directory)) {
            return entries.count();
        }
    }

    /** The status code of a GET over the unix socket, 0 when none came. */
    private static int unixStatus(Path socket, String path) {
        try (var channel = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
            while (answer.position() < 12 && channel.read(answer) > 0) {
                // the status line's start
            }
            String line = new String(answer.array(), 0, answer.position(), java.nio.charset.StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.") && line.length() >= 12 ? Integer.parseInt(line.substring(9, 12)) : 0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }
}
