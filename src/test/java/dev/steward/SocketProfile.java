package dev.steward;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Path;
import java.util.Map;

/** The real daemon, also listening on a unix socket in its own state directory under target/. */
public class SocketProfile implements QuarkusTestProfile {
    static final Path STATE_DIR = Path.of("target/socket-test/state").toAbsolutePath();
    static final Path SOCKET = STATE_DIR.resolve("steward.sock");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("steward.manifests", "target/socket-test/manifests",
                "steward.state-dir", STATE_DIR.toString(),
                "quarkus.http.domain-socket-enabled", "true",
                "quarkus.http.domain-socket", SOCKET.toString());
    }
}
