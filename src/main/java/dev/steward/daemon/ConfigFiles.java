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
    private final String[] profiles; // Quarkus' active profiles, the one that wins last

    private ConfigFiles(Properties dotEnv, Properties applicationProperties, String profiles) {
        this.dotEnv = dotEnv;
        this.applicationProperties = applicationProperties;
        this.profiles = profiles.split(",");
        for (int i = 0; i < this.profiles.length; i++) {
            this.profiles[i] = this.profiles[i].trim();
        }
    }

    /**
     * The files of {@code workingDirectory}, under Quarkus' profile as Quarkus takes it: {@code -Dquarkus.profile}, else
     * QUARKUS_PROFILE, else what these files say, else {@code prod}.
     */
    public static ConfigFiles in(Path workingDirectory) {
        String profile = System.getProperty("quarkus.profile");
        if (profile == null || profile.isBlank()) {
            profile = System.getenv("QUARKUS_PROFILE");
        }
        return in(workingDirectory, profile == null || profile.isBlank() ? null : profile);
    }

    /**
     * The files of {@code workingDirectory}, for the Quarkus profile {@code profile} (several, comma-separated, the last
     * winning), or when null the one they name ({@code QUARKUS_PROFILE=dev} in .env, {@code quarkus.profile} in
     * config/application.properties), else {@code prod}; {@link #NONE} when it has neither file.
     */
    static ConfigFiles in(Path workingDirectory, String profile) {
        Path dotEnv = workingDirectory.resolve(".env");
        Path properties = workingDirectory.resolve("config").resolve("application.properties");
        if (!Files.exists(dotEnv) && !Files.exists(properties)) {
            return NONE;
        }
        Properties dotEnvRead = load(dotEnv);
        Properties propertiesRead = load(properties);
        if (profile == null) {
            // Quarkus reads its profile from these files too: else the engine took prod's keys while Quarkus took dev's
            Optional<String> named = new ConfigFiles(dotEnvRead, propertiesRead, "prod").get("quarkus.profile");
            profile = named.isPresent() ? named.get() : "prod";
        }
        return new ConfigFiles(dotEnvRead, propertiesRead, profile);
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
        String[] place = find(name);
        if (place == null) {
            return Optional.empty();
        }
        if (place[2].contains("${")) {
            throw new IllegalArgumentException(place[1] + " in " + place[0] + " is " + place[2] + ": the daemon reads it before"
                    + " Quarkus starts, without expanding ${...}; write the value itself, or give it as a flag or in the"
                    + " environment");
        }
        return Optional.of(place[2]);
    }

    /**
     * As {@link #get}, but a {@code ${...}} expression as written: for a setting Quarkus applies itself, which the daemon
     * only looks at early (the HTTP address, {@code quarkus.http.port=${PORT:9001}}) and can leave to it.
     */
    public Optional<String> asWritten(String name) {
        String[] place = find(name);
        return place == null ? Optional.empty() : Optional.of(place[2]);
    }

    /** The file, the key and the value that give {@code name}; null when none does. */
    private String[] find(String name) {
        if (this == NONE) {
            return null;
        }
        String value = dotEnvValue(name);
        if (value != null && !value.isBlank()) {
            return new String[] {".env", name, value};
        }
        for (int i = profiles.length - 1; i >= -1; i--) { // each profile's key, the last profile's first; then the plain one
            String key = i < 0 ? name : "%" + profiles[i] + "." + name;
            value = applicationProperties.getProperty(key);
            if (value != null && !value.isBlank()) {
                return new String[] {"config/application.properties", key, value};
            }
        }
        return null;
    }

    /**
     * The .env line for {@code name}, matched as SmallRye Config matches it: its own name, or any key that is the same
     * as an environment variable's name ({@code STEWARD_STATE_DIR}, {@code steward_state_dir}, {@code Steward-State-Dir});
     * else Quarkus would take a line the engine did not, and put the token in another state directory than the socket.
     */
    private String dotEnvValue(String name) {
        String value = dotEnv.getProperty(name);
        if (value != null) {
            return value;
        }
        String variable = asVariable(name);
        value = dotEnv.getProperty(variable);
        if (value != null) {
            return value;
        }
        for (String key : dotEnv.stringPropertyNames()) {
            if (asVariable(key).equals(variable)) {
                return dotEnv.getProperty(key);
            }
        }
        return null;
    }

    /** {@code steward.state-dir} as an environment variable's name: {@code STEWARD_STATE_DIR}. */
    private static String asVariable(String name) {
        StringBuilder variable = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            variable.append(c < 128 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return variable.toString();
    }
}
