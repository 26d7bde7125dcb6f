package dev.steward.e2e;

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
                  command: ["/bin/sh", "-c", "while true; do echo out-line; echo err-line >&2; sleep 0.2; done"]
                  startSeconds: 0
                  logs:
                    stdout: {file: /dev/stdout}
                    stderr: {file: /dev/stderr}
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
                daemon.awaitLine("out-line");
                daemon.awaitLine("err-line");

                // a reopen (logrotate's USR2) lets go of the log files: not of the daemon's own stdout
                int skip = daemon.lineCount();
                Process kill = new ProcessBuilder("kill", "-USR2", Long.toString(daemon.pid())).inheritIO().start();
                assertTrue(kill.waitFor(30, TimeUnit.SECONDS));
                daemon.awaitLineAfter(skip, "SIGUSR2: reopening the log files");
                int afterReopen = daemon.lineCount();
                daemon.awaitLineAfter(afterReopen, "out-line");
                daemon.awaitLineAfter(afterReopen, "err-line");

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
