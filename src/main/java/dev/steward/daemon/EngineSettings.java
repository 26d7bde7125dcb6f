package dev.steward.daemon;

import dev.steward.config.StewardConfig;
import dev.steward.manifest.RegularFiles;
import io.quarkus.runtime.configuration.DurationConverter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What the engine needs to start: the same values as {@link StewardConfig}, which Quarkus only offers
 * once it has booted.
 */
public record EngineSettings(Path manifests, Path stateDir, Duration debounce, Duration resync) {

    public static EngineSettings of(StewardConfig config) {
        return new EngineSettings(config.manifests(), config.stateDir(), config.debounce(), config.resync());
    }

    /**
     * Resolves the settings the way Quarkus will, before it boots: a {@code steward.*} system property
     * (flags become those), then the {@code STEWARD_*} environment variable, then the working directory's
     * {@code .env} and {@code config/application.properties}, then the jar's application.properties,
     * then the default of {@link StewardConfig}. {@link Daemon} checks that Quarkus arrives at the same values.
     */
    public static EngineSettings resolve(Properties properties, Map<String, String> environment, ConfigFiles files,
                                         Properties applicationProperties) {
        Settings settings = new Settings(properties, environment, files, applicationProperties);
        return new EngineSettings(
                Path.of(settings.value("manifests", "manifests")),
                Path.of(settings.value("state-dir", ".steward")),
                duration("debounce", settings.value("debounce", "30ms")),
                duration("resync", settings.value("resync", "30s")));
    }

    /**
     * Refuses a manifest or state directory that names a file: found later, it would read as "cannot read the
     * manifest directory" or as a token that cannot be created, neither of which says what is wrong.
     */
    public void requireDirectories() {
        requireDirectory(manifests, "manifest directory", "--manifests DIR (STEWARD_MANIFESTS)", "holds the manifests");
        requireDirectory(stateDir, "state directory", "--state-dir DIR (STEWARD_STATE_DIR)", "is to hold logs, lock and socket");
        refuseOpenManifestDirectory(manifests);
    }

    /**
     * The daemon runs the command of every manifest in the directory, as its own user (root, often): one every user may
     * write would let any of them run anything so. Write permission for a group is left to the operator, who gave it.
     */
    private static void refuseOpenManifestDirectory(Path manifests) {
        RegularFiles.writableByEveryUser(manifests).ifPresent(permissions -> {
            throw new IllegalStateException("the manifest directory " + manifests.toAbsolutePath() + " is writable by every"
                    + " user (" + permissions + "): any of them could drop a manifest there, whose command the"
                    + " daemon would run as its own user; chmod o-w it, or pass --manifests DIR (STEWARD_MANIFESTS) with a"
                    + " directory of yours");
        });
    }

    private static void requireDirectory(Path path, String what, String option, String purpose) {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new IllegalStateException("the " + what + " " + path.toAbsolutePath() + " is a file, not a directory;"
                    + " pass " + option + " with the directory that " + purpose + " (a missing one is created)");
        }
    }

    /** The application.properties in the jar (its {@code %profile.} keys do not apply to the packaged daemon). */
    public static Properties applicationProperties() {
        Properties properties = new Properties();
        try (InputStream in = EngineSettings.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties from the jar", e);
        }
        return properties;
    }

    /** Where a {@code steward.*} setting may come from, in Quarkus' order. */
    private record Settings(Properties properties, Map<String, String> environment, ConfigFiles files,
                            Properties applicationProperties) {
        String value(String key, String fallback) {
            String property = properties.getProperty("steward." + key);
            if (property != null) {
                return property;
            }
            String variable = environment.get("STEWARD_" + key.replace('-', '_').toUpperCase(Locale.ROOT));
            if (variable != null && !variable.isBlank()) {
                return variable;
            }
            Optional<String> inFiles = files.get("steward." + key); // not a lambda: the first one costs start-up time
            return inFiles.isPresent() ? inFiles.get() : applicationProperties.getProperty("steward." + key, fallback);
        }
    }

    /**
     * Quarkus' own duration syntax, by its own converter: {@code 30ms}, {@code 5s}, {@code 2m}, {@code 1h},
     * {@code 1d}, a number of seconds, or ISO-8601 ({@code PT1H30M}).
     */
    static Duration duration(String key, String text) {
        try {
            Duration duration = DurationConverter.parseDuration(text.trim());
            if (duration == null) {
                throw new IllegalArgumentException("empty"); // the converter's answer to a blank value
            }
            return duration;
        } catch (RuntimeException e) { // IllegalArgumentException, DateTimeParseException
            throw new IllegalArgumentException("steward." + key + " (STEWARD_" + key.toUpperCase(Locale.ROOT)
                    + ") is not a duration: '" + text + "'; write e.g. 30ms, 5s or 2m", e);
        }
    }
}
