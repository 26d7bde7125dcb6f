package dev.steward.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The run {@code bin/steward} records into its class-data-sharing archive the first time: it loads
 * the classes of every verb's common path (argument parsing and help, the transport, JSON, tables,
 * YAML, the "no daemon" error) without needing a daemon, so the archive does not depend on which
 * command happened to run first. Output is discarded.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    static void run() throws IOException {
        Path dir = Files.createTempDirectory("steward-cds");
        try {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(sink, false, StandardCharsets.UTF_8);
            StewardCli.Io io = new StewardCli.Io(new ByteArrayInputStream(new byte[0]), out, out, Map.of(), dir, Clock.systemDefaultZone());
            String nowhere = dir.resolve("none.sock").toString();
            Path manifest = dir.resolve("m.yaml");
            Files.writeString(manifest, "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: m}\nspec: {command: [x]}\n");
            for (List<String> args : List.of(
                    List.of("--help"), List.of("get", "--help"), List.of("version"),
                    List.of("--server", nowhere, "get", "programs", "-l", "a=b"),
                    List.of("--server", nowhere, "status"),
                    List.of("--server", "http://127.0.0.1:1", "get", "processes", "-o", "wide"),
                    List.of("--server", nowhere, "logs", "x", "-f"),
                    List.of("--server", nowhere, "start", "all"),
                    List.of("--server", nowhere, "apply", "-f", manifest.toString()),
                    List.of("--server", nowhere, "delete", "-f", manifest.toString()),
                    List.of("get", "nothing"))) {
                StewardCli.run(io, args.toArray(String[]::new));
            }
            String process = "{\"name\": \"p\", \"program\": \"p\", \"state\": \"RUNNING\", \"pid\": 1, \"restarts\": 1,"
                    + " \"startedAt\": \"2026-01-01T00:00:00Z\", \"lastExit\": {\"exitCode\": 1, \"at\": \"2026-01-01T00:00:00Z\"},"
                    + " \"description\": \"pid 1, uptime 0:00:01\", \"labels\": {\"a\": \"b\"}}";
            String program = "{\"name\": \"p\", \"replicas\": 1, \"ready\": 1, \"labels\": {}, \"spec\": {\"command\": [\"x\"]},"
                    + " \"manifest\": {\"kind\": \"Program\"}, \"processes\": [" + process + "]}";
            String event = "{\"id\": 1, \"type\": \"Normal\", \"reason\": \"Started\", \"object\": \"process/p\", \"message\": \"m\","
                    + " \"count\": 2, \"firstTimestamp\": \"2026-01-01T00:00:00Z\", \"lastTimestamp\": \"2026-01-01T00:00:00Z\"}";
            java.time.Instant now = java.time.Instant.now();
            Object p = Json.parse(process);
            Object g = Json.parse(program);
            Object e = Json.parse(event);
            Table t = Views.processesTable(false);
            Views.processRow(t, p, now, false);
            Table w = Views.programsTable(true);
            Views.programRow(w, g, now, true);
            Table v = Views.eventsTable(false);
            Views.eventRow(v, e, now, false);
            out.print(t.render() + w.render() + v.render() + Views.status(List.of(p)));
            out.print(Views.describeProgram(g, List.of(e), now, java.time.ZoneId.systemDefault()));
            out.print(Json.pretty(Map.of("items", List.of(g))));
            out.print(Yaml.dump(Map.of("items", List.of(g))));
            out.print(DiffCommand.rawDiff("p", Json.obj(g).get("manifest"), Yaml.loadAll("kind: Program\n", "m.yaml").get(0), "m.yaml"));
            byte[] response = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1);
            ByteArrayInputStream in = new ByteArrayInputStream(response);
            HttpTransport.readResponse(in, () -> { }, "GET").body.readAllBytes();
            HttpTransport.readResponse(in, () -> { }, "GET").text();
            ApiException.of(404, "{\"code\": \"NotFound\", \"detail\": \"x\", \"errors\": [{\"line\": 1}]}");
            out.flush();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
