package dev.steward;

import dev.steward.supervise.ProcStatus;
import io.quarkus.runtime.ShutdownEvent;
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
import java.nio.file.attribute.PosixFilePermission;
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
    /**
     * The state directory's mode (with its setgid and sticky bits, which a set of {@link PosixFilePermission} leaves out
     * and a chmod from one clears) while it is closed to others for the bind ({@link #closeForTheBind}); else null.
     */
    private volatile Integer reopenTo;

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
     * The socket is bound with the mode the umask gives, and restricted only after ({@link #restrict}): under a umask
     * that lets others write it (000, 002), another user could connect in between, and a connection made then outlives
     * the chmod, with every API call the daemon's user may make. So under such a umask the state directory, whose search
     * permission connecting needs too, is closed to others until the socket is restricted. Under the usual 022 nothing
     * changes.
     */
    void closeForTheBind(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent event) {
        closeForTheBind(umaskLetsOthersWrite());
    }

    void closeForTheBind(boolean umaskLetsOthersWrite) {
        if (!enabled || !umaskLetsOthersWrite) {
            return;
        }
        Path dir = socket.getParent();
        try {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode") & 07777;
            int closed = mode & ~0011; // no search permission for group and others
            // A directory all may write (/tmp as a state directory) is not closed: that would lock everybody out of it
            if (closed != mode && (mode & 0002) == 0) {
                Files.setAttribute(dir, "unix:mode", closed);
                reopenTo = mode;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            LOG.warnf("the umask lets other users write the unix socket %s until it is restricted, and its directory could"
                    + " not be closed to them meanwhile (%s): start the daemon under umask 022", socket, e.getMessage());
        }
    }

    /** Whether this process's umask leaves group or others write permission (Linux's /proc/self/status says it). */
    static boolean umaskLetsOthersWrite() {
        try {
            return ProcStatus.field(ProcStatus.SELF, "Umask").map(umask -> (Integer.parseInt(umask, 8) & 0022) != 0022)
                    .orElse(true); // not said: as if it did (the directory is only closed for a moment)
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Gives the state directory its mode back, once the socket is restricted (or the daemon stops before that). */
    private void reopenTheDirectory() {
        Integer mode = reopenTo;
        if (mode == null) {
            return;
        }
        reopenTo = null;
        try {
            Files.setAttribute(socket.getParent(), "unix:mode", mode);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            LOG.warnf("could not give the state directory %s its mode back (%s): chmod it by hand",
                    socket.getParent(), e.getMessage());
        }
    }

    void reopenOnStop(@Observes ShutdownEvent event) {
        reopenTheDirectory();
    }

    /**
     * rw------- : the socket accepts every API call, so only the daemon's user may connect. Quarkus fires
     * this asynchronously once per HTTP verticle, right after the bind. Until then the socket has the mode
     * the umask gives; connecting needs write permission, which the usual umask 022 grants the owner only.
     */
    void restrict(@ObservesAsync DomainSocketServerStart event) {
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            reopenTheDirectory();
            if (announced.compareAndSet(false, true)) {
                LOG.infof("listening on unix socket %s", socket);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("could not restrict the unix socket %s to its owner: %s", socket, e.getMessage());
        }
    }
}
