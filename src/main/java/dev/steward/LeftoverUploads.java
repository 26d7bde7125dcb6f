package dev.steward;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Manifests sent as file parts ({@code steward apply -f DIR}) are spooled by the HTTP layer into its uploads
 * directory, {@code <state-dir>/uploads} (application.properties), and deleted when their request ends; a daemon
 * killed mid-request leaves them behind. This bean removes them at start, as {@link ControlSocket} removes a stale
 * socket: after {@code Daemon} has locked the state directory, before the HTTP server takes a request.
 */
@Singleton
class LeftoverUploads {
    private final Path directory;

    LeftoverUploads(@ConfigProperty(name = "quarkus.http.body.uploads-directory", defaultValue = "file-uploads") Path directory) {
        this.directory = directory;
    }

    void remove(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        try (DirectoryStream<Path> uploads = Files.newDirectoryStream(directory)) {
            for (Path upload : uploads) {
                Files.deleteIfExists(upload);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // none yet, or unreadable: the next request's spooling says so if it matters
        }
    }
}
