package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.steward.supervise.Specs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fingerprint that "stopped by hand" is kept under, across daemon restarts. */
class ProgramSpecTest {

    private static ProgramSpec web(Map<String, String> labels) {
        return Specs.program("web").command("/bin/web", "--port", "80").labels(labels)
                .environment(Map.of("A", "1", "B", "2", "C", "3")).exitCodes(0, 2, 3).build();
    }

    @Test
    void theFingerprintIsTheSameInEveryJvm() {
        // A constant: the maps and sets, whose iteration order changes from one JVM to the next, are sorted first.
        assertEquals("1:eb18eefe55cd93c9", web(Map.of("tier", "web", "env", "prod", "team", "ops")).fingerprint());
    }

    @Test
    void anyFieldChangesIt() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("tier", "web");
        ProgramSpec spec = web(labels);

        assertEquals(spec.fingerprint(), web(Map.of("tier", "web")).fingerprint());
        assertNotEquals(spec.fingerprint(), web(Map.of("tier", "api")).fingerprint());
        assertNotEquals(spec.fingerprint(), Specs.from(spec).replicas(2).build().fingerprint());
        assertNotEquals(spec.fingerprint(), Specs.from(spec).stopTimeoutSeconds(11).build().fingerprint());
        ProgramSpec backingOff = Specs.from(spec).restartBackoff(10, 300, 600).build();
        assertNotEquals(spec.fingerprint(), backingOff.fingerprint());
        assertNotEquals(backingOff.fingerprint(), Specs.from(spec).restartBackoff(10, 300, 601).build().fingerprint());
        assertEquals(18, spec.fingerprint().length());
        assertEquals(Set.of(spec.fingerprint()), Set.of(Specs.from(spec).build().fingerprint()));
    }
}
