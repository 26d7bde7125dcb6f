package dev.steward;

import dev.steward.config.PrivatePlaces;
import dev.steward.manifest.RegularFiles;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Besides its flags and environment, the daemon takes its configuration from two places in its working directory, as
 * every Quarkus application does: {@code .env} (read as environment variables) and {@code config/application.properties}
 * (with {@code config/application-prod.properties}). Either can set anything, STEWARD_TOKEN (the API's token) and the
 * address it listens on too. So each that is there must be the daemon's user's (or root's) and writable by no other
 * user, as the state directory must: started in {@code /tmp}, a daemon took the token of whichever user put a {@code
 * .env} there first. Checked before any program starts ({@link Main}), and again once Quarkus has read them, for one
 * put there meanwhile.
 */
@Singleton
class WorkingDirectoryConfig {
    private static final String READ = "the daemon reads its configuration from it at start (STEWARD_TOKEN, the API's"
            + " token, among the rest)";

    /** Before the token is loaded and the server binds (TokenCheck, ControlSocket): Quarkus has read the files by now. */
    void recheck(@Observes @Priority(Interceptor.Priority.APPLICATION + 500) StartupEvent event) {
        Path workingDirectory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        check(workingDirectory);
        for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
            Path file = fileOf(source.getName());
            if (file != null && file.startsWith(workingDirectory) && !Files.exists(file)) {
                throw new IllegalStateException(file + " was there when the daemon read its configuration, and is gone:"
                        + " a file that came and went while it started may be another user's; start it again");
            }
        }
    }

    /**
     * Refuses, with what to do, a {@code .env} or {@code config/} in {@code workingDirectory} that another user could
     * have written.
     *
     * @throws IllegalStateException with the whole message
     */
    static void check(Path workingDirectory) {
        PrivatePlaces.Ids self = PrivatePlaces.Ids.own();
        check(workingDirectory.resolve(".env"), self);
        Path config = workingDirectory.resolve("config");
        if (!check(config, self)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(config, "application*.properties")) {
            for (Path file : files) {
                check(file, self);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // not a directory, or unreadable: Quarkus reads nothing from it either
        }
    }

    /**
     * {@code path}, and the file a link there leads to, belong to {@code self} or root and are writable by no other user
     * (by the group only when it is the daemon's own). False when nothing is there.
     */
    static boolean check(Path path, PrivatePlaces.Ids self) {
        Map<String, Object> entry;
        Map<String, Object> target;
        try {
            entry = Files.readAttributes(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            target = Files.readAttributes(path, "unix:uid,gid,mode");
        } catch (NoSuchFileException absent) {
            return false; // nothing there, or a link that leads nowhere: nothing is read
        } catch (IOException | UnsupportedOperationException e) {
            return false; // unreadable by the daemon's user: Quarkus cannot read it either
        }
        for (Map<String, Object> owned : List.of(entry, target)) {
            int owner = (Integer) owned.get("uid");
            if (PrivatePlaces.foreignOwner(owner, self)) {
                throw new IllegalStateException(path + " belongs to user id " + owner + ", not to the daemon's user (id "
                        + self.uid() + ") or root: " + READ + ", so that user could choose it; remove it, or start the daemon"
                        + " from another working directory (cd /)");
            }
        }
        int mode = (Integer) target.get("mode");
        if (PrivatePlaces.writableByOthers((Integer) target.get("gid"), mode, self)) {
            throw new IllegalStateException(path + " is writable by other users (" + RegularFiles.permissions(mode) + "): " + READ
                    + ", so any of them could choose it; chmod go-w it, remove it, or start the daemon from another working"
                    + " directory (cd /)");
        }
        return true;
    }

    /** The file a configuration source was read from ({@code ...[source=file:/srv/.env]}); null for any other. */
    static Path fileOf(String sourceName) {
        int start = sourceName == null ? -1 : sourceName.indexOf("[source=file:");
        if (start < 0 || !sourceName.endsWith("]")) {
            return null;
        }
        try {
            return Path.of(URI.create(sourceName.substring(start + "[source=".length(), sourceName.length() - 1)));
        } catch (RuntimeException notAFile) {
            return null;
        }
    }
}
