package dev.steward;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code steward serve}: run the daemon in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground: watch the manifest directory and supervise its programs.")
final class ServeCommand {
    @Option(names = "--manifests", paramLabel = "DIR", description = "Watched manifest directory (default ./manifests, env STEWARD_MANIFESTS).")
    Path manifests;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory: logs, lock (default ./.steward, env STEWARD_STATE_DIR).")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "HTTP address (default 127.0.0.1:9001, env STEWARD_LISTEN; port 0 picks a free one).")
    String listen;

    /** Flags win over the environment, which wins over application.properties. */
    void exportAsConfiguration() {
        if (manifests != null) {
            System.setProperty("steward.manifests", manifests.toString());
        }
        if (stateDir != null) {
            System.setProperty("steward.state-dir", stateDir.toString());
        }
        String address = listen != null ? listen : System.getenv("STEWARD_LISTEN");
        if (address != null) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--listen must be HOST:PORT, e.g. 127.0.0.1:9001 (got " + address + ")");
            }
            System.setProperty("quarkus.http.host", address.substring(0, colon));
            System.setProperty("quarkus.http.port", address.substring(colon + 1));
        }
    }
}
