package dev.steward;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(SocketProfile.class)
class SocketTest {

    /** A raw HTTP/1.1 GET over the unix socket, as the CLI will do it. */
    static String get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain; version=0.0.4\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                response.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void healthAnswersOverTheUnixSocket() throws IOException {
        String response = get(SocketProfile.SOCKET, "/q/health/live");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\"status\": \"UP\""), response);
    }

    @Test
    void metricsAnswerOverTheUnixSocket() throws IOException {
        String response = get(SocketProfile.SOCKET, "/q/metrics");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.contains("\nsteward_programs 0.0"), response);
    }

    @Test
    void aRequestOverTcpWithoutTheTokenIsToldOfTheUnixSocket() throws IOException {
        try (Socket tcp = new Socket("127.0.0.1", RestAssured.port)) {
            tcp.getOutputStream().write(("GET /api/v1/programs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(tcp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 401"), response);
            assertTrue(response.contains("; or use the unix socket " + SocketProfile.SOCKET + ", which needs none"), response);
        }
    }

    @Test
    void onlyTheDaemonsUserMayConnect() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals("rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(SocketProfile.SOCKET))));
    }

    @Test
    void aStaleSocketLeftByAKilledDaemonIsRemovedBeforeBinding(@TempDir Path dir) throws IOException {
        Path socket = dir.resolve("steward.sock");
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(socket)); // closing does not unlink: the file stays, like after kill -9
        }
        assertTrue(Files.exists(socket));
        new ControlSocket(true, socket).removeStaleSocket(null);
        assertFalse(Files.exists(socket));
    }

    @Test
    void underAUmaskThatLetsOthersWriteTheSocketItsDirectoryIsClosedToThemUntilTheSocketIsRestricted(@TempDir Path dir)
            throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = dir.resolve("steward.sock");
        ControlSocket control = new ControlSocket(true, socket);
        control.closeForTheBind(false);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "umask 022: untouched");

        control.closeForTheBind(true);
        assertEquals("rwxr--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
                "nobody else may reach the socket while it has the umask's mode");
        try (ServerSocketChannel bound = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            bound.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
            control.restrict(null);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), "open again");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone(@TempDir Path dir) throws IOException {
        Path notASocket = Files.writeString(dir.resolve("steward.sock"), "precious");
        new ControlSocket(true, notASocket).removeStaleSocket(null);
        assertEquals("precious", Files.readString(notASocket));
    }

    @Test
    void serveExportsTheSocketPathFromTheStateDirectoryAsAnAbsolutePath() {
        Properties saved = (Properties) System.getProperties().clone();
        try {
            System.clearProperty("quarkus.http.domain-socket");
            ServeCommand.exportSocketPath(Path.of("some/state"));
            assertEquals(Path.of("some/state/steward.sock").toAbsolutePath().toString(), System.getProperty("quarkus.http.domain-socket"));

            System.clearProperty("quarkus.http.domain-socket");
            ServeCommand.exportSocketPath(Path.of("/" + "x".repeat(120)));
            assertEquals("false", System.getProperty("quarkus.http.domain-socket-enabled"), "too long for sun_path: socket off");
        } finally {
            System.setProperties(saved);
        }
    }
}
