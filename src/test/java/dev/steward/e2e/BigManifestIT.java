package dev.steward.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Manifests as large as the daemon takes (1 MiB, here 9,500 programs in one file) edited and applied under a heap
 * three quarters of the launcher's (72 MiB of its 96): deleting one program from such a file, and a dry run of three
 * such files in one request (3 MiB, within the 10 MiB a request may have), each held the file's whole YAML node tree
 * (some forty times its size) while checking it, ran the daemon out of heap, and it died with every program's
 * supervision.
 *
 * <p>The dry run needed 88 MiB until 2026-12-08 (it ran out at 80, and the delete at 72): the 9,500 programs in force
 * (23 MiB), each file's node tree while it was read, and for each of the 28,500 new programs an edit of its file, a
 * copy of its text and its result, all held until the last was checked or sent. Both need at most 56 MiB now (they
 * pass at 56, not at 54), so 72 MiB leaves them 16 MiB, over a fifth of the heap. What they hold does not depend on
 * how busy the machine is, only the time it takes (13 s here at 72 MiB with both CPUs kept busy by two other
 * processes, 4 s at 128 MiB), for which the limits below are generous.
 */
class BigManifestIT {
    private static final int PROGRAMS = 9_500;

    @TempDir
    Path root;

    @Test
    void editingAndApplyingManifestsOfThousandsOfProgramsKeepsTheDaemonUp() throws Exception {
        int port = Http.freePort();
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path state = root.resolve("state");
        Files.writeString(manifests.resolve("many.yaml"), programs("p"));
        assertTrue(Files.size(manifests.resolve("many.yaml")) < 1024 * 1024, "within the daemon's limit for a file");
        try (DaemonProcess daemon = DaemonProcess.launch(List.of("-Xmx72m", "-XX:+ExitOnOutOfMemoryError"), manifests,
                state, "BigManifestIT", List.of("--manifests", manifests.toString(), "--state-dir", state.toString(),
                        "--listen", "127.0.0.1:" + port))) {
            String api = "http://127.0.0.1:" + port + "/api/v1/programs";
            String token = daemon.token();
            await("the last program of the big file").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Http.status(api + "/p" + (PROGRAMS - 1), token) == 200);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

            HttpResponse<String> deleted = client.send(HttpRequest.newBuilder(URI.create(api + "/p7"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(120)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertTrue(!Files.readString(manifests.resolve("many.yaml")).contains("{name: p7}"), "p7's document is gone");
            // Each edit under the heap on its own, as this test means: not the daemon's reading of the file the delete
            // wrote overlapping the dry run below
            await("the daemon has read the delete").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Http.status(api + "/p7", token) == 404);

            String boundary = "steward-big-manifest-it";
            StringBuilder body = new StringBuilder();
            for (String prefix : List.of("a", "b", "c")) {
                body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                        .append(prefix).append(".yaml\"\r\nContent-Type: application/yaml\r\n\r\n")
                        .append(programs(prefix)).append("\r\n");
            }
            body.append("--").append(boundary).append("--\r\n");
            HttpResponse<String> applied = client.send(HttpRequest.newBuilder(URI.create(api + "?dryRun=true"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .timeout(Duration.ofSeconds(180))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, applied.statusCode(), () -> applied.body().substring(0, Math.min(2000, applied.body().length())));
            assertTrue(applied.body().contains("\"c" + (PROGRAMS - 1) + "\""), "every program of the three files answered");

            assertTrue(daemon.process().isAlive(), () -> String.join("\n", daemon.lines()));
            assertTrue(daemon.lines().stream().noneMatch(line -> line.contains("OutOfMemoryError")),
                    () -> String.join("\n", daemon.lines()));
            assertEquals(0, daemon.terminate());
        }
    }

    /** {@value #PROGRAMS} programs named {@code prefix0...}, not started: a file of about 1,000 KB. */
    private static String programs(String prefix) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < PROGRAMS; i++) {
            text.append("---\napiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: ").append(prefix).append(i)
                    .append("}\nspec: {command: [x], autostart: false}\n");
        }
        return text.toString();
    }
}
