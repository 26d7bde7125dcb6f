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
}
