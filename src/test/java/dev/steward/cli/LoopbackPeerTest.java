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
            try (ServerSocket server = new ServerSocket(0, 1, loopback);
                 Socket client = new Socket(loopback, server.getLocalPort())) {
                assertEquals(OptionalInt.of(self), LoopbackPeer.uid(client), host);
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
