package dev.steward.supervise;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** argv and envp laid out in one native block read back as the NULL-terminated arrays C sees. */
class NativeStringsTest {
    @Test
    void bothVectorsReadBackAsNullTerminatedStringArrays() {
        List<String> argv = List.of("/bin/sh", "-c", "echo 'héllo wörld' ✓", "");
        List<String> envp = List.of("A=1", "EMPTY=", "UNICODE=日本");
        try (NativeStrings strings = new NativeStrings(argv, envp)) {
            assertArrayEquals(argv.toArray(), strings.argv().getStringArray(0, "UTF-8"));
            assertArrayEquals(envp.toArray(), strings.envp().getStringArray(0, "UTF-8"));
        }
    }

    @Test
    void anEmptyEnvironmentIsJustItsTerminator() {
        try (NativeStrings strings = new NativeStrings(List.of("/bin/true"), List.of())) {
            assertArrayEquals(new String[] {"/bin/true"}, strings.argv().getStringArray(0, "UTF-8"));
            assertArrayEquals(new String[0], strings.envp().getStringArray(0, "UTF-8"));
        }
    }
}
