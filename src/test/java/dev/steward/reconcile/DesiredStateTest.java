package dev.steward.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.ProgramSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

    private static final Path A = Path.of("m/a.yaml");
    private static final Path B = Path.of("m/b.yaml");

    @Test
    void programsAreInNameOrderAndUnmodifiable() {
        Map<String, ProgramSpec> programs = new HashMap<>();
        Map<String, Path> sources = new HashMap<>();
        for (String name : List.of("web", "api", "db")) {
            programs.put(name, spec(name));
            sources.put(name, A);
        }
        DesiredState state = new DesiredState(programs, sources, List.of());
        assertEquals(List.of("api", "db", "web"), List.copyOf(state.programs().keySet()));
        assertEquals(List.of("api", "db", "web"), List.copyOf(state.sources().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> state.programs().remove("web"));
        programs.clear();
        assertEquals(3, state.programs().size(), "a copy, not a view");
    }

    @Test
    void errorsAreSortedByFileThenLineThenColumn() {
        ManifestError b1 = new ManifestError(B, 1, 1, "", "x");
        ManifestError a7 = new ManifestError(A, 7, 3, "", "x");
        ManifestError a2c5 = new ManifestError(A, 2, 5, "", "x");
        ManifestError a2c1 = new ManifestError(A, 2, 1, "", "x");
        DesiredState state = new DesiredState(Map.of(), Map.of(), List.of(b1, a7, a2c5, a2c1));
        assertEquals(List.of(a2c1, a2c5, a7, b1), state.errors());
    }

    @Test
    void equalByValue() {
        DesiredState one = new DesiredState(Map.of("web", spec("web")), Map.of("web", A),
                List.of(new ManifestError(B, 1, 1, "", "x")));
        DesiredState two = new DesiredState(new HashMap<>(Map.of("web", spec("web"))), Map.of("web", A),
                List.of(new ManifestError(B, 1, 1, "", "x")));
        assertEquals(one, two);
        assertEquals(one.hashCode(), two.hashCode());
        assertNotEquals(one, new DesiredState(Map.of("web", spec("web")), Map.of("web", B),
                List.of(new ManifestError(B, 1, 1, "", "x"))));
        assertEquals(DesiredState.empty(), new DesiredState(Map.of(), Map.of(), List.of()));
    }

    @Test
    void everyProgramNeedsASource() {
        assertThrows(IllegalArgumentException.class,
                () -> new DesiredState(Map.of("web", spec("web")), Map.of(), List.of()));
    }

    private static ProgramSpec spec(String name) {
        return new ManifestLoader().parse(A, "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: " + name
                + "}\nspec: {command: [sleep]}\n").programs().get(0);
    }
}
