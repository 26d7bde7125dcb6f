package dev.steward;

import dev.steward.config.PrivatePlaces;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Quarkus reads {@code .env} and {@code config/application*.properties} from the working directory: one another user
 * could write chose the daemon's configuration, the API's token (STEWARD_TOKEN) too.
 */
class WorkingDirectoryConfigTest {
    @TempDir
    Path dir;

    @Test
    void aWorkingDirectoryWithoutThemOrWithTheDaemonsOwnPasses() throws Exception {
        assertDoesNotThrow(() -> WorkingDirectoryConfig.check(dir));
        mode(Files.writeString(dir.resolve(".env"), "STEWARD_DEBOUNCE=50ms\n"), "rw-------");
        Path config = Files.createDirectories(dir.resolve("config"));
        mode(config, "rwxr-xr-x");
        mode(Files.writeString(config.resolve("application.properties"), "steward.debounce=50ms\n"), "rw-r--r--");
        assertDoesNotThrow(() -> WorkingDirectoryConfig.check(dir));
    }

    @Test
    void aDotEnvOtherUsersCanWriteStopsTheStart() throws Exception {
        Path dotEnv = mode(Files.writeString(dir.resolve(".env"), "STEWARD_TOKEN=chosen-by-another-user\n"), "rw-rw-rw-");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> WorkingDirectoryConfig.check(dir));
        assertEquals(dotEnv + " is writable by other users (rw-rw-rw-): the daemon reads its configuration from it at start"
                + " (STEWARD_TOKEN, the API's token, among the rest), so any of them could choose it; chmod go-w it, remove it,"
                + " or start the daemon from another working directory (cd /)", refused.getMessage());
    }

    @Test
    void aConfigDirectoryOrAProfilesFileOtherUsersCanWriteStopsTheStart() throws Exception {
        Path config = mode(Files.createDirectories(dir.resolve("config")), "rwxrwxrwx");
        assertThrows(IllegalStateException.class, () -> WorkingDirectoryConfig.check(dir), "they could put a file there");
        mode(config, "rwxr-xr-x");
        Path profile = mode(Files.writeString(config.resolve("application-prod.properties"), "quarkus.http.host=0.0.0.0\n"),
                "rw-rw-rw-");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> WorkingDirectoryConfig.check(dir));
        assertEquals(profile + " is writable", refused.getMessage().substring(0, (profile + " is writable").length()));
    }

    @Test
    void aDotEnvOfAnotherUserStopsTheStart() throws Exception {
        Path dotEnv = mode(Files.writeString(dir.resolve(".env"), "STEWARD_TOKEN=chosen-by-another-user\n"), "rw-r--r--");
        PrivatePlaces.Ids self = PrivatePlaces.Ids.own();
        if (self.uid() == 0) {
            Files.setAttribute(dotEnv, "unix:uid", 65534); // root may give it away: to nobody
        } else {
            self = new PrivatePlaces.Ids(self.uid() + 1, self.gid()); // a daemon of another user than this file's
        }
        PrivatePlaces.Ids daemon = self;
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> WorkingDirectoryConfig.check(dotEnv, daemon));
        assertEquals(dotEnv + " belongs to user id " + Files.getAttribute(dotEnv, "unix:uid") + ", not to the daemon's user (id "
                + daemon.uid() + ") or root: the daemon reads its configuration from it at start (STEWARD_TOKEN, the API's"
                + " token, among the rest), so that user could choose it; remove it, or start the daemon from another working"
                + " directory (cd /)", refused.getMessage());
    }

    @Test
    void theFileAConfigurationSourceWasReadFromIsFoundInItsName() {
        assertEquals(Path.of("/srv/app/.env"), WorkingDirectoryConfig.fileOf("EnvConfigSource[source=file:/srv/app/.env]"));
        assertEquals(Path.of("/srv/my app/config/application.properties"), WorkingDirectoryConfig.fileOf(
                "PropertiesConfigSource[source=file:/srv/my%20app/config/application.properties]"));
        assertNull(WorkingDirectoryConfig.fileOf("EnvConfigSource"));
        assertNull(WorkingDirectoryConfig.fileOf("PropertiesConfigSource[source=jar:file:/app.jar!/application.properties]"));
    }

    private static Path mode(Path path, String permissions) throws Exception {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        return path;
    }
}
