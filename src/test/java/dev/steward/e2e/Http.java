package dev.steward.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;

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
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return -1;
        }
    }

    /** The body of a 200 response. */
    static byte[] get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try (InputStream in = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode(), url);
            return in.readAllBytes();
        } finally {
            connection.disconnect();
        }
    }
}
