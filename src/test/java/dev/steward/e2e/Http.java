package dev.steward.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Plain HTTP against a daemon's {@code --listen} port, for tests that look at the API from outside. */
final class Http {
    private Http() {
    }

    /** A port free right now, for a daemon the test must reach by HTTP. */
    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** The response's status, or -1 when nothing answers (yet). */
    static int status(String url) {
        return status(url, null);
    }

    /** The response's status to a request carrying {@code token} (null: none), or -1 when nothing answers (yet). */
    static int status(String url, String token) {
        return status("GET", url, token);
    }

    /** The status of a POST without a body, waiting up to a minute for the answer; -1 when nothing answers. */
    static int postStatus(String url, String token) {
        return status("POST", url, token);
    }

    private static int status(String method, String url, String token) {
        try {
            HttpURLConnection connection = open(url, token);
            connection.setRequestMethod(method);
            connection.setReadTimeout(60_000);
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return -1;
        }
    }

    /** The body of a 200 response to a request carrying {@code token}, the daemon's ({@link DaemonProcess#token()}). */
    static byte[] get(String url, String token) throws IOException {
        HttpURLConnection connection = open(url, token);
        try (InputStream in = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode(), url);
            return in.readAllBytes();
        } finally {
            connection.disconnect();
        }
    }

    /**
     * How many of {@code sockets} the daemon has closed, once what it sent on them (an answer) is read: each read waits a
     * millisecond at most.
     */
    static int closedByTheDaemon(List<Socket> sockets) throws IOException {
        int closed = 0;
        byte[] sent = new byte[8192];
        for (Socket socket : sockets) {
            socket.setSoTimeout(1);
            try {
                while (socket.getInputStream().read(sent) >= 0) {
                    // an answer: the close, if any, comes after it
                }
                closed++;
            } catch (SocketTimeoutException open) {
                // still open
            } catch (IOException reset) {
                closed++;
            }
        }
        return closed;
    }

    private static HttpURLConnection open(String url, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        return connection;
    }
}
