package dev.steward.daemon;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The daemon's environment as /proc/self/environ holds it: NUL-ended NAME=value entries, in UTF-8. */
class InheritedEnvironmentTest {
    @Test
    void entriesAreReadAsUtf8AndTheFirstOfANameWins() {
        byte[] environ = "GREETING=caf\u00e9\0PATH=/bin\0EMPTY=\0EQUALS=a=b\0PATH=/usr/bin\0no-equals\0=nameless\0"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(Map.of("GREETING", "caf\u00e9", "PATH", "/bin", "EMPTY", "", "EQUALS", "a=b"),
                InheritedEnvironment.parse(environ));
    }

    @Test
    void anEmptyEnvironmentHasNoEntries() {
        assertEquals(Map.of(), InheritedEnvironment.parse(new byte[0]));
    }
}
