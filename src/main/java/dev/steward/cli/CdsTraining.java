package dev.steward.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The run {@code bin/steward} records into its class-data-sharing archive the first time: it loads
 * the classes of every verb's common path (argument parsing and help, the transport, JSON, tables,
 * YAML, the "no daemon" error) without needing a daemon, so the archive does not depend on which
 * command happened to run first. The common commands (and {@code version}) also run to the end against a stand-in
 * that answers on a unix socket with canned JSON: a class or lambda that only printing an answer loads
 * would otherwise be read from the jar at every call (opening the jar cost 5 ms of a
 * {@code get processes}). Output is discarded.
 */
final class CdsTraining {
    private CdsTraining() {
    }

    /** The common commands against the stand-in; how many requests it answered (0 if it could not listen). */
    private static int againstStandIn(StewardCli.Io io, Path dir, String process, String program, Path manifest) {
        CannedDaemon daemon;
        try {
            daemon = CannedDaemon.start(dir.resolve("training.sock"), process, program);
        } catch (IOException | RuntimeException e) {
            return 0; // no unix socket here (a long temp path, say): the archive is made without this part
        }
        try (daemon) {
            String at = daemon.socket().toString();
            for (List<String> args : List.of(
                    List.of("--server", at, "status"), List.of("--server", at, "get", "processes"),
                    List.of("--server", at, "get", "processes", "-o", "wide"), List.of("--server", at, "get", "programs"),
                    List.of("--server", at, "stop", "all"), List.of("--server", at, "start", "p"),
                    List.of("--server", at, "restart", "-l", "a=b"),
                    List.of("--server", at, "diff", "-f", manifest.toString()), List.of("--server", at, "version"))) {
                StewardCli.run(io, args.toArray(String[]::new));
            }
        } catch (IOException e) {
            // closing the stand-in failed: what it answered still counts
        }
        return daemon.answered().get(); // after close, which waits for the answering thread
    }

    /** Answers every request on a unix socket with a list of one process, program or action result. */
    private record CannedDaemon(Path socket, ServerSocketChannel server, Thread thread, AtomicInteger answered) implements AutoCloseable {
        static CannedDaemon start(Path socket, String process, String program) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            String result = "{\"name\": \"p\", \"program\": \"p\", \"ok\": true, \"state\": \"RUNNING\", \"message\": \"started, pid 1\"}";
            AtomicInteger answered = new AtomicInteger();
            Thread thread = new Thread(() -> answerAll(server, process, program, result, answered), "steward-cds-training");
            thread.setDaemon(true);
            thread.start();
            return new CannedDaemon(socket, server, thread, answered);
        }

        private static void answerAll(ServerSocketChannel server, String process, String program, String result, AtomicInteger answered) {
            while (true) {
                try (SocketChannel client = server.accept()) {
                    String path = requestPath(client);
                    String item = path.startsWith("/api/v1/programs") ? program : path.startsWith("/api/v1/actions") ? result : process;
                    byte[] body = (path.startsWith("/api/v1/version")
                            ? "{\"version\": \"0\", \"java\": \"17\", \"pid\": 1, \"startedAt\": \"2026-01-01T00:00:00Z\"}"
                            : "{\"items\": [" + item + "]}").getBytes(StandardCharsets.UTF_8);
                    byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                    answered.incrementAndGet();
                    client.write(ByteBuffer.wrap(head));
                    client.write(ByteBuffer.wrap(body));
                } catch (IOException e) {
                    return; // closed: training is over
                }
            }
        }

        /** Reads the request head (the CLI sends no body to these) and returns its path. */
        private static String requestPath(SocketChannel client) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (buffer.hasRemaining()) {
                if (client.read(buffer) < 0) {
                    break;
                }
                String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n\r\n")) {
                    break;
                }
            }
            String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
            String[] words = line.split(" ");
            return words.length > 1 ? words[1] : "/";
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs the training; returns how many requests the stand-in daemon answered. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("steward-cds");
        try {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(sink, false, StandardCharsets.UTF_8);
            StewardCli.Io io = new StewardCli.Io(new ByteArrayInputStream(new byte[0]), out, out, Map.of(), dir, Clock.systemDefaultZone());
            String nowhere = dir.resolve("none.sock").toString();
            Path manifest = dir.resolve("m.yaml");
            // Every field a manifest may have: `diff` reads the file with the daemon's own reader, a lambda or two per field.
            Files.writeString(manifest, """
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata:
                      name: m
                      labels: {tier: web}
                    spec:
                      command: /bin/sh -c 'exec sleep 1'
                      environment: {A: "1"}
                      directory: /tmp
                      replicas: 2
                      autostart: true
                      restartPolicy: Always
                      exitCodes:
                      - 0
                      - 2
                      startSeconds: 1
                      startRetries: 3
                      stopSignal: INT
                      stopTimeoutSeconds: 5
                      stopAsGroup: true
                      killAsGroup: true
                      priority: 100
                      umask: "022"
                      logs:
                        stdout: {maxBytes: 10Mi, backups: 3}
                        stderr: {file: none}
                        redirectStderr: false
                    ---
                    apiVersion: steward.dev/v1
                    kind: Program
                    metadata: {name: n}
                    spec: {command: [x, "y"], exitCodes: [0]}
                    """);
            for (List<String> args : List.of(
                    List.of("--help"), List.of("get", "--help"), List.of("version", "--client"),
                    List.of("--server", nowhere, "version"),
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
            int answered = againstStandIn(io, dir, process, program, manifest);
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
            return answered;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
