package dev.steward.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file: /dev/stdout} where the daemon's stdout is a socket, as systemd's journal gives a service: the path
 * cannot be opened again there ("No such device or address"), nor where it is a pipe another user made (a container's,
 * for a daemon that is not root), so the programs' output goes through the daemon's own stdout and stderr.
 */
class DaemonStdoutIT {
    @TempDir
    Path root;

    @Test
    void outputToDevStdoutAndDevStderrReachesTheDaemonsStdoutWhenItIsASocket() throws Exception {
        String name = "DaemonStdoutIT";
        Path manifests = Files.createDirectories(root.resolve("manifests"));
        Path state = root.resolve("state");
        Files.writeString(manifests.resolve("out.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: out}
                spec:
                  command: ["/bin/sh", "-c", "while true; do printf 'part-A '; sleep 0.2; echo part-B; echo err-line >&2; done"]
                  startSeconds: 0
                  logs:
                    stdout: {file: /proc/self/fd/1}
                    stderr: {file: /dev/stderr}
                ---
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: ticker}
                spec:
                  command: ["/bin/sh", "-c", "while true; do echo tick; sleep 0.05; done"]
                  startSeconds: 0
                  logs:
                    stdout: {file: /dev/stdout}
                """);
        try (ServerSocket journal = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            journal.setSoTimeout((int) DaemonProcess.PATIENCE.toMillis());
            // bash connects the daemon's stdout and stderr to this socket; the JVM's own suspend signal moves off
            // USR2, as bin/steward has it, so that USR2 reopens the log files
            List<String> toSocket = List.of("env", "_JAVA_SR_SIGNUM=39", "bash", "-c",
                    "exec >/dev/tcp/127.0.0.1/" + journal.getLocalPort() + " 2>&1 && exec \"$@\"", "bash");
            try (DaemonProcess daemon = DaemonProcess.launch(toSocket, List.of(), manifests, state, name,
                    List.of("--manifests", manifests.toString(), "--state-dir", state.toString(), "--listen", "127.0.0.1:0"));
                 Socket connection = journal.accept()) {
                Thread pump = copyInBackground(connection.getInputStream(), DaemonProcess.transcript(name));
                daemon.awaitLine("out: RUNNING");
                daemon.awaitLine("part-B");
                daemon.awaitLine("err-line");

                // a reopen (logrotate's USR2) lets go of the log files: not of the daemon's own stdout
                int skip = daemon.lineCount();
                Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(daemon.pid())).inheritIO().start();
                assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
                daemon.awaitLineAfter(skip, "SIGUSR2: reopening the log files");
                int afterReopen = daemon.lineCount();
                daemon.awaitLineAfter(afterReopen, "part-B");
                daemon.awaitLineAfter(afterReopen, "err-line");
                // /proc/self/fd/1 and /dev/stdout are one writer, handed whole lines: the ticker's lines, and the
                // daemon's own, fall between out's lines, never inside them
                await("three whole lines of out").atMost(DaemonProcess.PATIENCE)
                        .until(() -> daemon.lines().stream().filter(line -> line.contains("part-B")).count() >= 3);
                List<String> cut = daemon.lines().stream()
                        .filter(line -> line.contains("part-") && !line.equals("part-A part-B")).toList();
                assertEquals(List.of(), cut, "lines cut by another writer's");

                assertEquals(0, daemon.terminate(), () -> String.join("\n", daemon.lines()));
                pump.join(TimeUnit.SECONDS.toMillis(30));
                daemon.awaitLine("all programs stopped"); // the daemon's own lines went on to its end
            }
        }
    }

    private static Thread copyInBackground(InputStream from, Path to) {
        Thread pump = new Thread(() -> {
            try (OutputStream out = new FileOutputStream(to.toFile(), true)) {
                byte[] buffer = new byte[8192];
                for (int n; (n = from.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the socket closed under the reader: the test's own end
            }
        }, "journal-pump");
        pump.setDaemon(true);
        pump.start();
        return pump;
    }
}
