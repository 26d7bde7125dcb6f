package dev.steward.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * Which user holds the daemon's end of a TCP connection over loopback, as Linux's /proc/net/tcp6 and tcp say
 * (the uid of a socket is its creator's, and an accepted socket has its listener's). Any local user can listen on
 * 127.0.0.1:9001 while the daemon is down: the CLI must not hand the daemon's token to them.
 */
final class LoopbackPeer {
    private LoopbackPeer() {
    }

    /** The user id of the other end of {@code socket}; empty when it is not over loopback or /proc does not say. */
    static OptionalInt uid(Socket socket) {
        InetAddress server = socket.getInetAddress();
        InetAddress client = socket.getLocalAddress();
        if (server == null || client == null || !server.isLoopbackAddress()) {
            return OptionalInt.empty();
        }
        // The daemon's end lists this client's port as its remote one: lines without it are skipped unsplit, as a
        // busy host has thousands.
        String clientPort = ":" + hex4(socket.getLocalPort()) + " ";
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                if (!line.contains(clientPort)) {
                    continue;
                }
                String[] fields = fields(line);
                if (fields.length < 8 || "0A".equals(fields[3])) { // 0A: a listener, not a connection
                    continue;
                }
                try {
                    if (matches(fields[1], server, socket.getPort()) && matches(fields[2], client, socket.getLocalPort())) {
                        return OptionalInt.of(Integer.parseInt(fields[7]));
                    }
                } catch (RuntimeException | UnknownHostException unreadable) {
                    // a line of another shape: not ours
                }
            }
        }
        return OptionalInt.empty();
    }

    /** A port as /proc writes it: four upper-case hexadecimal digits. */
    private static String hex4(int port) {
        String hex = Integer.toHexString(port).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(hex.length()) + hex;
    }

    /**
     * The blank-separated fields of a line, without java.util.regex or Formatter: the client's class-data archive
     * has neither (its training run reaches no daemon over TCP), and loading them cost each call milliseconds.
     */
    private static String[] fields(String line) {
        List<String> fields = new java.util.ArrayList<>();
        int at = 0;
        while (at < line.length()) {
            while (at < line.length() && line.charAt(at) == ' ') {
                at++;
            }
            int start = at;
            while (at < line.length() && line.charAt(at) != ' ') {
                at++;
            }
            if (at > start) {
                fields.add(line.substring(start, at));
            }
        }
        return fields.toArray(new String[0]);
    }

    /** Whether /proc's {@code HEXADDR:HEXPORT} is {@code address:port} (an IPv4-mapped IPv6 address as its IPv4). */
    private static boolean matches(String field, InetAddress address, int port) throws UnknownHostException {
        int colon = field.indexOf(':');
        if (Integer.parseInt(field.substring(colon + 1), 16) != port) {
            return false;
        }
        String hex = field.substring(0, colon);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) { // each 32-bit word in the kernel's (little-endian) order
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + i) * 2;
                bytes[word * 4 + 3 - i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes).equals(address);
    }
}
