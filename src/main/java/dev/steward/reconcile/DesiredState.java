package dev.steward.reconcile;

import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the manifest directory asks for at one moment: the programs to run, the file each one came from, and the
 * problems of the files that are currently rejected. Compared by value, so an unchanged directory gives an equal
 * state and nothing has to be reconciled.
 *
 * @param programs programs by name, in name order
 * @param sources  the manifest file of each program (same keys as {@code programs})
 * @param errors   errors of the rejected files, sorted by file, then line and column
 */
public record DesiredState(Map<String, ProgramSpec> programs, Map<String, Path> sources, List<ManifestError> errors) {

    private static final Comparator<ManifestError> BY_PLACE = Comparator.comparing(ManifestError::file)
            .thenComparingInt(ManifestError::line)
            .thenComparingInt(ManifestError::column);

    public DesiredState {
        // Map.copyOf rejects null keys and values; the TreeMap gives a stable name order for listings and logs.
        programs = Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(programs)));
        sources = Collections.unmodifiableMap(new TreeMap<>(Map.copyOf(sources)));
        if (!programs.keySet().equals(sources.keySet())) {
            throw new IllegalArgumentException("every program needs a source and every source a program: programs "
                    + programs.keySet() + ", sources " + sources.keySet());
        }
        List<ManifestError> sorted = new ArrayList<>(errors);
        sorted.sort(BY_PLACE); // stable: errors at the same place keep their order
        errors = List.copyOf(sorted);
    }

    /** No programs and no errors: an empty directory. */
    public static DesiredState empty() {
        return new DesiredState(Map.of(), Map.of(), List.of());
    }
}
