package dev.steward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The daemon's run that {@code bin/steward serve} records into a class-data-sharing archive the first
 * time a JDK starts it after a build ({@code serve --cds-training} under {@code -XX:ArchiveClassesAtExit}):
 * a real start in a temporary directory, with programs that run, print and exit, every kind of API
 * request over the unix socket, then the normal shutdown. Later starts map those classes already
 * parsed and linked instead of reading them from the jars.
 */
final class DaemonTraining {
    private static final List<String> REQUESTS = List.of(
            "/api/v1/programs", "/api/v1/programs/sleeper", "/api/v1/processes", "/api/v1/processes/sleeper-0",
            "/api/v1/processes/sleeper-0/logs?tail=10", "/api/v1/events", "/q/health/ready", "/q/health/live", "/q/metrics");

    private final Path root;

    private DaemonTraining(Path root) {
        this.root = root;
    }

    /** A temporary manifest directory with a few programs, and a state directory beside it. */
    static DaemonTraining prepare() throws IOException {
        Path root = Files.createTempDirectory("steward-daemon-cds");
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Files.writeString(manifests.resolve("sleeper.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: sleeper, labels: {tier: training}}
                spec:
                  command: [/bin/sh, -c, 'echo started; echo warning >&2; exec sleep 60']
                  replicas: 2
                  startSeconds: 0
                  environment: {GREETING: hello}
                  logs: {stdout: {maxBytes: 1Mi, backups: 1}}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: once}
                spec:
                  command: "/bin/sh -c 'exit 3'"
                  startSeconds: 0
                  restartPolicy: Never
                """);
        return new DaemonTraining(root);
    }

    Path manifests() {
        return root.resolve("manifests");
    }

    Path stateDir() {
        return root.resolve("state");
    }

    /** Sends every kind of read request to the running daemon; their answers are discarded. */
    void exercise(Path socket) throws IOException {
        for (String path : REQUESTS) {
            get(socket, path);
        }
    }

    private static void get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            in.readAllBytes();
        }
    }

    /** Removes the temporary directory; runs after the daemon stopped its programs. */
    void cleanUp() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
