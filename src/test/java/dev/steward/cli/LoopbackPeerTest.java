package dev.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LoopbackPeerTest {

    @Test
    void theListenersUserIsFoundOverIpv4AndIpv6Loopback() throws Exception {
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            InetAddress loopback = InetAddress.getByName(host);
            if (host.equals("::1") && !canListenOn(loopback)) {
                continue; // a machine (a container) without IPv6
            }
            try (ServerSocket server = new ServerSocket(0, 1, loopback);
                 Socket client = new Socket(loopback, server.getLocalPort())) {
                assertEquals(OptionalInt.of(self), LoopbackPeer.uid(client), host);
            }
        }
    }

    private static boolean canListenOn(InetAddress address) {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return true;
        } catch (java.io.IOException unavailable) {
            return false;
        }
    }

    @Test
    void theTokenIsNotSentToAListenerOfAnotherUser() throws Exception {
        int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            server.setSoTimeout(200);
            HttpTransport.Endpoint endpoint = HttpTransport.Endpoint.tcp("127.0.0.1", server.getLocalPort());
            // As if this listener were another user's: only user id self + 1 may be sent the token.
            HttpTransport transport = new HttpTransport(endpoint, 5_000, "Bearer secret", java.util.Set.of(self + 1));
            HttpTransport.UntrustedListenerException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    HttpTransport.UntrustedListenerException.class, () -> transport.send("GET", "/api/v1/version", null, null, null));
            assertTrue(refused.getMessage().contains("is held by a process of user id " + self + ", not by root, this"
                    + " user, or the owner of the state directory or token file the token came from, so the token was not"
                    + " sent to it: if that is your daemon, point STEWARD_STATE_DIR at its state directory"), refused.getMessage());
            try (Socket accepted = server.accept()) {
                assertEquals(-1, accepted.getInputStream().read(), "nothing was written to it");
            }
        }
    }

    @Test
    void aConnectionElsewhereIsNotLookedUp() throws Exception {
        try (ServerSocket server = new ServerSocket(0);
             Socket client = new Socket(InetAddress.getLocalHost(), server.getLocalPort())) {
            assertTrue(client.getInetAddress().isLoopbackAddress() || LoopbackPeer.uid(client).isEmpty());
        }
    }
}
