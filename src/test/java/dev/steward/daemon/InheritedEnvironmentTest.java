package dev.steward.daemon;

import dev.steward.supervise.RawText;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** supervisord (Python's surrogateescape) hands a Latin-1 value on as it got it; so must the spawn. */
    @Test
    void aValueThatIsNotUtf8KeepsItsBytesForTheSpawn() {
        byte[] environ = {'L', 'A', 'T', '=', 'c', 'a', 'f', (byte) 0xe9, 0, 'U', '=', (byte) 0xc3, (byte) 0xa9, (byte) 0xff, 0};
        Map<String, String> environment = InheritedEnvironment.parse(environ);
        assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, RawText.encode(environment.get("LAT")));
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xff}, RawText.encode(environment.get("U")));
        assertEquals("\u00e9", environment.get("U").substring(0, 1));
    }

    @Test
    void anEmptyEnvironmentHasNoEntries() {
        assertEquals(Map.of(), InheritedEnvironment.parse(new byte[0]));
    }
}
