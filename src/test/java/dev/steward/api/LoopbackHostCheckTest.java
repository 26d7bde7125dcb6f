package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request to a loopback address must name a loopback host, against DNS rebinding. */
@QuarkusTest
class LoopbackHostCheckTest {

    /** The whole response to a GET of {@code path} with this Host header, over a plain socket to 127.0.0.1. */
    private static String get(String path, String host, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
            for (String header : headers) {
                request.append(header).append("\r\n");
            }
            socket.getOutputStream().write(request.append("Connection: close\r\n\r\n").toString()
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aNameOfAnotherSiteIsRefusedEvenForWhatNeedsNoToken() throws IOException {
        String metrics = get("/q/metrics", "rebind.example:" + RestAssured.port);
        assertTrue(metrics.startsWith("HTTP/1.1 403 "), metrics);
        assertTrue(metrics.contains("\"code\":\"Forbidden\""), metrics);
        assertTrue(metrics.contains("names the host \\\"rebind.example\\\" is refused"), metrics);
        assertTrue(metrics.contains("DNS rebinding); use http://127.0.0.1:" + RestAssured.port + " or http://localhost:"
                + RestAssured.port), metrics);
        assertFalse(metrics.contains("steward_"), "no metric is sent");

        String withToken = get("/api/v1/programs", "rebind.example", "Authorization: " + ApiFixture.AUTHORIZATION);
        assertTrue(withToken.startsWith("HTTP/1.1 403 "), withToken);
        String health = get("/q/health/live", "127.0.0.1.rebind.example");
        assertTrue(health.startsWith("HTTP/1.1 403 "), health);
    }

    @Test
    void addressesLocalhostAndThisMachinesNamePass() throws IOException {
        String machine = LoopbackHostCheck.machineName();
        for (String host : new String[] {"localhost:" + RestAssured.port, "127.0.0.1:" + RestAssured.port,
                "[::1]:" + RestAssured.port, "LOCALHOST", "steward.localhost", machine.isEmpty() ? "localhost" : machine}) {
            String health = get("/q/health/live", host);
            assertTrue(health.startsWith("HTTP/1.1 200 "), host + ": " + health);
        }
        String api = get("/api/v1/programs", "localhost", "Authorization: " + ApiFixture.AUTHORIZATION);
        assertTrue(api.startsWith("HTTP/1.1 200 "), api);
    }

    @Test
    void onlyNamesNoDnsAnswerCanMoveAreAllowed() {
        Set<String> box = Set.of("box");
        assertTrue(LoopbackHostCheck.allowed("127.0.0.1", box));
        assertTrue(LoopbackHostCheck.allowed("2130706433", box), "a browser reads a number-only host as an address");
        assertTrue(LoopbackHostCheck.allowed("[::1]", box));
        assertTrue(LoopbackHostCheck.allowed("box", box));
        assertTrue(LoopbackHostCheck.allowed("a.localhost", box));
        assertTrue(LoopbackHostCheck.allowed(LoopbackHostCheck.normalized("LocalHost."), box), "a fully qualified localhost");
        assertFalse(LoopbackHostCheck.allowed("box.rebind.example", box));
        assertFalse(LoopbackHostCheck.allowed("1.2.3.4.rebind.example", box));
        assertFalse(LoopbackHostCheck.allowed("localhost.rebind.example", box));
        assertFalse(LoopbackHostCheck.allowed(LoopbackHostCheck.normalized("rebind.example."), box));
        assertFalse(LoopbackHostCheck.allowed("", Set.of()));
        assertFalse(LoopbackHostCheck.allowed("anything", Set.of()), "without known names only addresses and localhost");
    }

    @Test
    void theNamesEtcHostsGivesLoopbackAddressesAreKnown(@TempDir Path dir) throws IOException {
        Path hosts = Files.writeString(dir.resolve("hosts"), """
                127.0.0.1\tlocalhost
                127.0.1.1 box.example.org box # Debian's line for the machine's own name
                ::1 ip6-localhost ip6-loopback
                # 127.0.0.1 commented.example
                10.0.0.5 db.internal
                """);
        assertEquals(Set.of("localhost", "box.example.org", "box", "ip6-localhost", "ip6-loopback"),
                LoopbackHostCheck.loopbackNames(hosts));
        assertEquals(Set.of(), LoopbackHostCheck.loopbackNames(dir.resolve("none")));
    }

    @Test
    void aConfiguredNamePasses() throws IOException {
        String health = get("/q/health/live", "Proxy.Example:443");
        assertTrue(health.startsWith("HTTP/1.1 200 "), health);
        String refused = get("/q/health/live", "other.example");
        assertTrue(refused.contains("or add the name to STEWARD_ALLOWED_HOSTS"), refused);
    }
}
