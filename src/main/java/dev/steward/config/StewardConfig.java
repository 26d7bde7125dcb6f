package dev.steward.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The daemon's settings: {@code steward.*} in application.properties, or {@code STEWARD_*} in the environment. */
@ConfigMapping(prefix = "steward")
public interface StewardConfig {
    /** The watched manifest directory (STEWARD_MANIFESTS). */
    @WithDefault("manifests")
    Path manifests();

    /** Where logs, the lock file and persisted state live (STEWARD_STATE_DIR). */
    @WithDefault(".steward")
    Path stateDir();

    /**
     * The secret requests over TCP must carry (STEWARD_TOKEN); when unset, the one in {@code <state-dir>/token},
     * made at the first start.
     */
    Optional<String> token();

    /**
     * More host names a request to a loopback address may use (STEWARD_ALLOWED_HOSTS, comma-separated), besides
     * addresses, localhost, the machine's name and the names /etc/hosts gives loopback addresses: the Host a reverse
     * proxy on this machine passes on, say.
     */
    Optional<List<String>> allowedHosts();

    /** Quiet time after a file change before the directory is re-read; bursts coalesce into one pass. */
    @WithDefault("30ms")
    Duration debounce();

    /** Full re-list of the directory, a backstop for missed watch events. */
    @WithDefault("30s")
    Duration resync();
}
