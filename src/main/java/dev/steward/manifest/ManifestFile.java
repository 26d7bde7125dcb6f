package dev.steward.manifest;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of reading one manifest file: its programs when valid, otherwise its errors
 * (a file is valid or rejected as a whole).
 */
public record ManifestFile(Path path, List<ProgramSpec> programs, List<ManifestError> errors) {
    public ManifestFile {
        programs = List.copyOf(programs);
        errors = List.copyOf(errors);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    public static ManifestFile valid(Path path, List<ProgramSpec> programs) {
        return new ManifestFile(path, programs, List.of());
    }

    public static ManifestFile invalid(Path path, List<ManifestError> errors) {
        return new ManifestFile(path, List.of(), errors);
    }
}
