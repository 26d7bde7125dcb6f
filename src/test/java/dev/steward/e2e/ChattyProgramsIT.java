package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many programs that each fill both streams' in-memory tails, under a small heap: the tails share a
 * bound, so the daemon keeps supervising all of them instead of running out of memory.
 */
class ChattyProgramsIT {
    private static final int PROCESSES = 300;
    private static final int BYTES_PER_STREAM = 70_000; // more than a whole tail (64 KiB) each

    @TempDir
    Path root;

    @Test
    void programsThatFillTheirTailsDoNotRunTheDaemonOutOfMemory() throws Exception {
        Path marks = Files.createDirectories(root.resolve("marks"));
        int port = Http.freePort();
        Path manifests = root.resolve("manifests");
        Path state = root.resolve("state");
        // 300 processes x 2 streams x 64 KiB would be 37.5 MiB of tails: more than a 32 MiB heap.
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-Xmx32m"), manifests, state, "ChattyProgramsIT",
                List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:" + port))) {
            daemon.awaitLine("watching ");
            daemon.writeManifest("chatty.yaml", """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: chatty}
                    spec:
                      command: ["/bin/sh", "-c", "head -c %2$d /dev/zero; head -c %2$d /dev/zero | tr '\\\\0' e >&2; touch %1$s/$STEWARD_PROCESS_NAME; exec sleep 1000"]
                      replicas: %3$d
                      startSeconds: 0
                      logs:
                        stdout: {file: NONE}
                        stderr: {file: NONE}
                    """.formatted(marks, BYTES_PER_STREAM, PROCESSES));
            await("every child wrote all its output").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> countFiles(marks) == PROCESSES || !daemon.process().isAlive());
            assertTrue(daemon.process().isAlive(), () -> "the daemon died:\n" + String.join("\n", daemon.lines()));

            String api = "http://127.0.0.1:" + port + "/api/v1/processes";
            String token = daemon.token();
            await("the daemon's API").atMost(DaemonProcess.PATIENCE).until(() -> Http.status(api, token) == 200);
            String last = "chatty-" + (PROCESSES - 1);
            byte[] tail = Http.get(api + "/" + last + "/logs?stream=stderr", token);
            assertTrue(tail.length >= 4096, () -> "the last process's tail holds its last lines: " + tail.length + " bytes");
            assertEquals("e".repeat(tail.length), new String(tail, java.nio.charset.StandardCharsets.US_ASCII));
            int first = Http.get(api + "/chatty-0/logs?stream=stdout", token).length;
            assertTrue(first >= 4096 && first <= 64 * 1024, "a tail between the floor and a whole one: " + first);
            assertTrue(daemon.lines().stream().noneMatch(line -> line.contains("OutOfMemoryError")),
                    () -> String.join("\n", daemon.lines()));
            assertEquals(0, daemon.terminate());
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }
}
