package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A daemon under a low limit of open files (ulimit -n 300) asked to run more processes than fit: it spawns
 * until it comes near the limit, says why the rest cannot start, and stays whole. Each child's pipes used to take
 * the descriptors the HTTP server then needed for its jars, and the daemon could not start at all.
 */
class FileLimitIT {
    @TempDir
    Path root;

    @Test
    void moreProcessesThanTheFileLimitAllowsLeaveTheDaemonWorking() throws Exception {
        int port = Http.freePort();
        Path manifests = root.resolve("manifests");
        Path state = root.resolve("state");
        java.nio.file.Files.createDirectories(manifests);
        java.nio.file.Files.writeString(manifests.resolve("many.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: many}
                spec:
                  command: ["sleep", "1000"]
                  replicas: 100
                  startSeconds: 0
                  startRetries: 0
                """);
        List<String> underLimit = List.of("/bin/sh", "-c", "ulimit -n 300 && exec \"$@\"", "sh");
        try (DaemonProcess daemon = DaemonProcess.launch(underLimit, List.of(), manifests, state, "FileLimitIT",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port))) {
            daemon.awaitLine("keeps the rest of its limit of open files (ulimit -n) for itself");
            daemon.awaitLine("listening on unix socket");
            String api = "http://127.0.0.1:" + port;
            await("the daemon's API").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(api + "/q/health/live") == 200);
            assertEquals(200, Http.status(api + "/api/v1/processes", daemon.token()));
            assertEquals(200, Http.status(api + "/q/metrics"));
            assertEquals(0, daemon.terminate(), () -> String.join("\n", daemon.lines()));
        }
    }
}
