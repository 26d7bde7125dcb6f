package dev.steward;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.DomainSocketServerStart;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon's unix socket ({@code <state-dir>/steward.sock}, which the CLI prefers): Vert.x serves the same
 * routes on it as on {@code --listen}. This bean removes the socket file a killed daemon left behind, so the
 * server can bind, and restricts the socket to the daemon's user once it listens.
 */
@Singleton
class ControlSocket {
    private static final Logger LOG = Logger.getLogger("steward");

    private final boolean enabled;
    private final Path socket;
    private final AtomicBoolean announced = new AtomicBoolean();

    ControlSocket(@ConfigProperty(name = "quarkus.http.domain-socket-enabled", defaultValue = "false") boolean enabled,
                  @ConfigProperty(name = "quarkus.http.domain-socket", defaultValue = "/var/run/io.quarkus.app.socket") Path socket) {
        this.enabled = enabled;
        this.socket = socket.toAbsolutePath();
    }

    /**
     * Runs after {@code Daemon} has locked the state directory (a later observer priority), so no live daemon
     * owns the socket: a second daemon fails on the lock before getting here. The HTTP server binds after
     * every StartupEvent observer has run.
     */
    void removeStaleSocket(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) throws IOException {
        if (!enabled) {
            return;
        }
        Files.createDirectories(socket.getParent());
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return;
        }
        // Only a socket is ours to remove; anything else at that path is left for bind to report.
        if (attributes.isOther()) {
            Files.deleteIfExists(socket);
            LOG.debugf("removed the stale socket %s", socket);
        }
    }

    /**
     * rw------- : the socket accepts every API call, so only the daemon's user may connect. Quarkus fires
     * this asynchronously once per HTTP verticle, right after the bind. Until then the socket has the mode
     * the umask gives; connecting needs write permission, which the usual umask 022 grants the owner only.
     */
    void restrict(@ObservesAsync DomainSocketServerStart event) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            if (announced.compareAndSet(false, true)) {
                LOG.infof("listening on unix socket %s", socket);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("could not restrict the unix socket %s to its owner: %s", socket, e.getMessage());
        }
    }
}
