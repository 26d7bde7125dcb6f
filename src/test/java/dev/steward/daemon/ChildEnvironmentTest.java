package dev.steward.daemon;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the children inherit of the daemon's environment. */
class ChildEnvironmentTest {
    /**
     * The API's token gives whoever holds it any command as the daemon's user: a program run as a less privileged user
     * ({@code spec.user}) must not find it in its environment, in any form the daemon reads it from.
     */
    @Test
    void noFormOfTheApiTokenReachesTheChildren() {
        Map<String, String> daemon = Map.of(
                "PATH", "/usr/bin:/bin",
                "STEWARD_TOKEN", "secret-one",
                "_PROD_STEWARD_TOKEN", "secret-two", // %prod.steward.token, as SmallRye reads it from the environment
                "STEWARD_JAVA_OPTS", "-Xmx256m -Dsteward.token=secret-three", // bin/steward's; -D counts as a flag
                "_JAVA_SR_SIGNUM", "39",
                "STEWARD_CLI_JAVA_OPTS", "-Xmx64m",
                "MY_STEWARD_TOKEN_FILE", "/etc/app/token");

        assertEquals(Map.of("PATH", "/usr/bin:/bin", "STEWARD_CLI_JAVA_OPTS", "-Xmx64m", "MY_STEWARD_TOKEN_FILE", "/etc/app/token"),
                Engine.childEnvironment(daemon));
    }

    /**
     * Quarkus reads an environment variable for a key whatever its case, and with {@code _} or any other character for
     * the dots: the daemon took {@code steward_token=...} (and {@code Steward_Token}) as its token, which its children
     * then inherited.
     */
    @Test
    void theTokenIsDroppedInEverySpellingThatQuarkusReads() {
        Map<String, String> daemon = Map.of(
                "steward_token", "secret-one",
                "Steward_Token", "secret-two",
                "steward.token", "secret-three",
                "%prod.steward.token", "secret-four",
                "_prod_steward_token", "secret-five",
                "MY_STEWARD_TOKEN", "another program's",
                "STEWARD_TOKENS", "another program's too");

        assertEquals(Map.of("MY_STEWARD_TOKEN", "another program's", "STEWARD_TOKENS", "another program's too"),
                Engine.childEnvironment(daemon));
    }
}
