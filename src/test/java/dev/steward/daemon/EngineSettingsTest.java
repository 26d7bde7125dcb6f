package dev.steward.daemon;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings the engine starts with before Quarkus boots resolve the way Quarkus' configuration does. */
class EngineSettingsTest {

    @Test
    void defaultsMatchStewardConfig() {
        EngineSettings settings = EngineSettings.resolve(new Properties(), Map.of(), ConfigFiles.NONE, new Properties());
        assertEquals(new EngineSettings(Path.of("manifests"), Path.of(".steward"), Duration.ofMillis(30),
                Duration.ofSeconds(30)), settings);
    }

    @Test
    void systemPropertiesWinOverTheEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("steward.manifests", "/from/flag");
        EngineSettings settings = EngineSettings.resolve(properties,
                Map.of("STEWARD_MANIFESTS", "/from/env", "STEWARD_STATE_DIR", "/state/env", "STEWARD_RESYNC", "2m"), ConfigFiles.NONE,
                application("steward.state-dir=/from/file\nsteward.debounce=50ms\n%test.steward.resync=1s\n"));
        assertEquals(Path.of("/from/flag"), settings.manifests());
        assertEquals(Path.of("/state/env"), settings.stateDir());
        assertEquals(Duration.ofMinutes(2), settings.resync());
        assertEquals(Duration.ofMillis(50), settings.debounce(), "application.properties comes after the environment");
    }

    @Test
    void theWorkingDirectorysDotEnvAndConfigFileComeAfterTheEnvironmentAndBeforeTheJar(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // As Quarkus reads them (ordinals 295 and 260): else the engine ran on its defaults while Quarkus took the token
        // and the uploads from the state directory they named
        java.nio.file.Files.writeString(dir.resolve(".env"), "STEWARD_MANIFESTS=/from/dotenv\nsteward.resync=2m\n");
        java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.writeString(dir.resolve("config/application.properties"), "steward.manifests=/loses/to/dotenv\n"
                + "steward.state-dir=/from/config\n%prod.steward.debounce=50ms\nsteward.debounce=70ms\n%test.steward.resync=1s\n");
        ConfigFiles files = ConfigFiles.in(dir, "prod");
        EngineSettings settings = EngineSettings.resolve(new Properties(), Map.of("STEWARD_RESYNC", "3m"), files,
                application("steward.state-dir=/from/jar\nsteward.debounce=90ms\n"));
        assertEquals(new EngineSettings(Path.of("/from/dotenv"), Path.of("/from/config"), Duration.ofMillis(50),
                Duration.ofMinutes(3)), settings);
        assertEquals(java.util.Optional.of("/from/dotenv"), files.get("STEWARD_MANIFESTS"));
        assertEquals(ConfigFiles.NONE, ConfigFiles.in(dir.resolve("config"), "prod"), "neither file: nothing read");
        java.nio.file.Files.writeString(dir.resolve(".env"), "STEWARD_STATE_DIR=${HOME}/state\n");
        IllegalArgumentException expression = assertThrows(IllegalArgumentException.class,
                () -> EngineSettings.resolve(new Properties(), Map.of(), ConfigFiles.in(dir, "prod"), new Properties()));
        assertTrue(expression.getMessage().startsWith("steward.state-dir in .env is ${HOME}/state: the daemon reads it before"
                + " Quarkus starts, without expanding ${...}"), expression.getMessage());
    }

    @Test
    void aDotEnvKeyIsMatchedAsSmallRyeMatchesItWhateverItsCaseAndSeparators(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // Quarkus took steward_state_dir for steward.state-dir (its token there) while the engine kept .steward (its socket)
        java.nio.file.Files.writeString(dir.resolve(".env"), "steward_state_dir=/lower\nSteward-Manifests=/mixed\n"
                + "steward__resync=5s\n");
        EngineSettings settings = EngineSettings.resolve(new Properties(), Map.of(), ConfigFiles.in(dir, "prod"),
                new Properties());
        assertEquals(new EngineSettings(Path.of("/mixed"), Path.of("/lower"), Duration.ofMillis(30), Duration.ofSeconds(30)),
                settings, "a doubled separator is another name, to SmallRye too");
    }

    @Test
    void theProfileTheFilesNameIsTheOneTheirKeysAreReadFor(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // Quarkus takes QUARKUS_PROFILE from .env, and quarkus.profile from config/application.properties: the engine took
        // prod's keys meanwhile, its socket in .steward while Quarkus put the token in %dev's state directory
        java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.writeString(dir.resolve("config/application.properties"), "%dev.steward.state-dir=/dev\n"
                + "%prod.steward.state-dir=/prod\n%a.steward.manifests=/a\n%b.steward.manifests=/b\nquarkus.profile=a,b\n");
        assertEquals(Path.of("/b"), settingsIn(dir, null).manifests(), "of two profiles, the last wins");
        assertEquals(Path.of(".steward"), settingsIn(dir, null).stateDir(), "neither profile sets it; prod is not active");
        java.nio.file.Files.writeString(dir.resolve(".env"), "QUARKUS_PROFILE=dev\n");
        assertEquals(Path.of("/dev"), settingsIn(dir, null).stateDir(), ".env before config/application.properties");
        assertEquals(Path.of("/prod"), settingsIn(dir, "prod").stateDir(), "-Dquarkus.profile or QUARKUS_PROFILE first");
    }

    private static EngineSettings settingsIn(Path dir, String profile) {
        return EngineSettings.resolve(new Properties(), Map.of(), ConfigFiles.in(dir, profile), new Properties());
    }

    @Test
    void aManifestDirectoryEveryUserCanWriteStopsTheStart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // Any user could drop a manifest there, whose command the daemon (root, often) would run
        Path manifests = java.nio.file.Files.createDirectories(dir.resolve("manifests"));
        java.nio.file.Files.setPosixFilePermissions(manifests, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        EngineSettings settings = new EngineSettings(manifests, dir.resolve("state"), Duration.ofMillis(30), Duration.ofSeconds(30));
        IllegalStateException refused = assertThrows(IllegalStateException.class, settings::requireDirectories);
        assertEquals("the manifest directory " + manifests + " is writable by every user (rwxrwxrwx): any of them could drop"
                + " a manifest there, whose command the daemon would run as its own user; chmod o-w it, or pass --manifests DIR"
                + " (STEWARD_MANIFESTS) with a directory of yours", refused.getMessage());
        java.nio.file.Files.setPosixFilePermissions(manifests, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxr-x"));
        settings.requireDirectories(); // a group the operator gave write permission may
    }

    private static Properties application(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    @Test
    void durationsReadLikeQuarkusConfiguration() {
        assertEquals(Duration.ofMillis(250), EngineSettings.duration("debounce", "250ms"));
        assertEquals(Duration.ofSeconds(5), EngineSettings.duration("debounce", "5"));
        assertEquals(Duration.ofMillis(1500), EngineSettings.duration("debounce", "1.5s"));
        assertEquals(Duration.ofHours(1), EngineSettings.duration("resync", "1h"));
        assertEquals(Duration.ofSeconds(90), EngineSettings.duration("resync", "PT90S"));
        assertEquals(Duration.ofDays(1), EngineSettings.duration("resync", "1d"));
        assertEquals(Duration.ofMinutes(90), EngineSettings.duration("resync", "PT1H30M"));
        assertThrows(IllegalArgumentException.class, () -> EngineSettings.duration("debounce", " "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EngineSettings.duration("resync", "soon"));
        assertTrue(bad.getMessage().contains("STEWARD_RESYNC") && bad.getMessage().contains("30ms, 5s or 2m"), bad.getMessage());
    }
}
