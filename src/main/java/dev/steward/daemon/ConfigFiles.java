package dev.steward.daemon;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code .env} and {@code config/application.properties} in the daemon's working directory say, which Quarkus
 * reads after the environment: the settings the daemon needs before Quarkus boots (the manifest and state directories,
 * the watch's timings, the HTTP address) follow them too, else the engine ran on its defaults while Quarkus took the
 * token and the uploads from the state directory a file named. Read with {@link Properties}, as SmallRye Config reads
 * them, not through SmallRye Config itself, which would set up the logging framework on the main thread while the libc
 * thread sets up {@code java.util.logging} (Main). Neither file is there in the usual case (systemd's working directory
 * is /), which then costs two {@code stat}s.
 */
public final class ConfigFiles {
    /** No such file in the working directory: nothing to add. */
    public static final ConfigFiles NONE = new ConfigFiles(new Properties(), new Properties(), "prod");

    private final Properties dotEnv;
    private final Properties applicationProperties;
    private final String profile;

    private ConfigFiles(Properties dotEnv, Properties applicationProperties, String profile) {
        this.dotEnv = dotEnv;
        this.applicationProperties = applicationProperties;
        this.profile = profile;
    }

    /** The files of {@code workingDirectory}, under Quarkus' profile: {@code prod} unless QUARKUS_PROFILE says otherwise. */
    public static ConfigFiles in(Path workingDirectory) {
        return in(workingDirectory, System.getProperty("quarkus.profile", System.getenv().getOrDefault("QUARKUS_PROFILE", "prod")));
    }

    /** The files of {@code workingDirectory}, for the Quarkus profile {@code profile}; {@link #NONE} when it has neither. */
    static ConfigFiles in(Path workingDirectory, String profile) {
        Path dotEnv = workingDirectory.resolve(".env");
        Path properties = workingDirectory.resolve("config").resolve("application.properties");
        if (!Files.exists(dotEnv) && !Files.exists(properties)) {
            return NONE;
        }
        return new ConfigFiles(load(dotEnv), load(properties), profile);
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException | NotDirectoryException absent) {
            // nothing there: nothing read, as Quarkus reads nothing
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ", which sets the daemon's configuration: " + e.getMessage(), e);
        }
        return properties;
    }

    /**
     * What these files give {@code name}, a property ({@code steward.manifests}) or a variable ({@code STEWARD_LISTEN}):
     * .env first, under the name or as an environment variable's ({@code STEWARD_MANIFESTS}), then
     * config/application.properties, its {@code %profile.} key before the plain one. The caller asks the system
     * properties and the environment first.
     *
     * @throws IllegalArgumentException for a {@code ${...}} expression, which Quarkus expands but this does not
     */
    public Optional<String> get(String name) {
        if (this == NONE) {
            return Optional.empty();
        }
        StringBuilder variable = new StringBuilder(name.length()); // as an environment variable: STEWARD_STATE_DIR
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            variable.append(c < 128 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        String[][] places = {
            {".env", name, dotEnvValue(name, variable.toString())},
            {"config/application.properties", "%" + profile + "." + name, applicationProperties.getProperty("%" + profile + "." + name)},
            {"config/application.properties", name, applicationProperties.getProperty(name)},
        };
        for (String[] place : places) {
            String value = place[2];
            if (value == null || value.isBlank()) {
                continue;
            }
            if (value.contains("${")) {
                throw new IllegalArgumentException(place[1] + " in " + place[0] + " is " + value + ": the daemon reads it before"
                        + " Quarkus starts, without expanding ${...}; write the value itself, or give it as a flag or in the"
                        + " environment");
            }
            return Optional.of(value);
        }
        return Optional.empty();
    }

    private String dotEnvValue(String name, String variable) {
        String value = dotEnv.getProperty(name);
        return value != null ? value : dotEnv.getProperty(variable);
    }
}
