package dev.steward;

import dev.steward.logs.SharedDirectory;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Manifests sent as file parts ({@code steward apply -f DIR}) are spooled by the HTTP layer into its uploads
 * directory, {@code <state-dir>/uploads} (application.properties), and deleted when their request ends; a daemon
 * killed mid-request leaves them behind. This bean removes them at start, as {@link ControlSocket} removes a stale
 * socket: after {@code Daemon} has locked the state directory, before the HTTP server takes a request. It also closes
 * the directory to other users: the HTTP layer makes it with the umask's mode (rwxrwxrwx under {@code umask 000}), where
 * another user could replace a manifest spooled there before the daemon reads it, and so choose what it runs.
 */
@Singleton
class LeftoverUploads {
    private static final Logger LOG = Logger.getLogger("steward");

    private final Path directory;

    LeftoverUploads(@ConfigProperty(name = "quarkus.http.body.uploads-directory", defaultValue = "file-uploads") Path directory) {
        this.directory = directory;
    }

    void remove(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        try {
            if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            } else if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                SharedDirectory.createDirectories(directory.toAbsolutePath().getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("cannot close the uploads directory %s to other users (%s): chmod 700 it", directory, e.getMessage());
        }
        try (DirectoryStream<Path> uploads = Files.newDirectoryStream(directory)) {
            for (Path upload : uploads) {
                Files.deleteIfExists(upload);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // none yet, or unreadable: the next request's spooling says so if it matters
        }
    }
}
