package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away while its answer is being written (a CLI interrupted or killed while it lists, a timeout) is
 * no error of the daemon's: its log said {@code ERROR API request failed} with fifty lines of stack, found once in a
 * soak of half an hour of clients killed at random.
 */
class ClientGoneIT {
    /** Six arguments of 120,000 characters: the list of programs, which has each command twice, is 1.4 MB. */
    private static final String BIG_ARGUMENT = "x".repeat(120_000);

    @TempDir
    Path root;

    @Test
    void aClientGoneBeforeItsAnswerIsWrittenLeavesNoErrorInTheLog() throws Exception {
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        String arguments = String.join(", ", Collections.nCopies(6, "\"" + BIG_ARGUMENT + "\""));
        Files.writeString(manifests.resolve("big.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: big}
                spec:
                  command: ["true", %s]
                  autostart: false
                """.formatted(arguments));
        // At DEBUG, the daemon says when it saw a client go away: the sign that the case was met.
        List<String> debug = List.of("-Dquarkus.log.category.\"steward\".level=DEBUG");
        int port = Http.freePort();
        try (DaemonProcess daemon = DaemonProcess.launch(debug, manifests, root.resolve("state"), "ClientGoneIT",
                List.of("--manifests", manifests.toString(), "--state-dir", root.resolve("state").toString(),
                        "--listen", "127.0.0.1:" + port))) {
            daemon.awaitLine("listening on unix socket");
            Path socket = daemon.stateDir.resolve("steward.sock");
            // Whether the daemon is still writing when the client goes is a race (it may have queued the whole answer),
            // so clients come and go until one has left it writing.
            await("a client gone while its answer was written").atMost(DaemonProcess.PATIENCE).until(() -> {
                assertEquals("HTTP/1.1 200 OK", statusLineThenGone(socket), "the answer had begun");
                assertEquals(List.of(), errors(daemon));
                return daemon.lines().stream().anyMatch(line -> line.contains("the client went away before its answer"));
            });
            assertEquals(List.of(), errors(daemon));
            byte[] whole = Http.get("http://127.0.0.1:" + port + "/api/v1/programs", daemon.token());
            assertTrue(whole.length > 6 * BIG_ARGUMENT.length(), "the daemon still answers in full");
            assertEquals(0, daemon.terminate(), () -> String.join("\n", daemon.lines()));
        }
    }

    private static List<String> errors(DaemonProcess daemon) {
        return daemon.lines().stream().filter(line -> line.contains("ERROR")).toList();
    }

    /** Asks for every program, reads the status line of the answer, and closes the connection. */
    private static String statusLineThenGone(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "GET /api/v1/programs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            StringBuilder head = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(1);
            while (head.indexOf("\r\n") < 0 && channel.read(buffer.clear()) > 0) {
                head.append((char) buffer.get(0));
            }
            return head.toString().strip();
        }
    }
}
