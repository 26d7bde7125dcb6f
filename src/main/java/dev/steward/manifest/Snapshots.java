package dev.steward.manifest;

import dev.steward.manifest.NodeReader.Position;
import dev.steward.reconcile.DesiredState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Combines the parsed files of one directory scan into a {@link DesiredState}, given the previous one.
 *
 * <p>A file that is invalid, or rejected because it defines a program name another file holds, keeps the programs
 * it had in the previous state: an edit that breaks a file must not stop what it was running; so does a file the
 * source holds for a moment (just emptied, perhaps being written). A name defined in
 * several files stays with the file that held it before; a new name goes to the file that sorts first.
 */
final class Snapshots {

    private final List<ManifestLoader.Parsed> files;
    private final Map<String, Path> previousSources;
    private final Map<Path, List<ProgramSpec>> previousByFile = new HashMap<>();
    private final Set<Path> rejected = new HashSet<>();
    private final Set<Path> held;

    private Snapshots(List<ManifestLoader.Parsed> files, DesiredState previous, Set<Path> held) {
        this.files = files;
        this.held = held;
        this.previousSources = previous.sources();
        previous.sources().forEach((name, file) ->
                previousByFile.computeIfAbsent(file, f -> new ArrayList<>()).add(previous.programs().get(name)));
    }

    /**
     * The state the directory asks for now.
     *
     * @param files    every manifest file of the directory, sorted by name
     * @param previous the last published state, empty at the first scan
     * @param held     files that keep their previous programs whatever they hold now (just emptied, maybe being
     *                 written)
     */
    static DesiredState build(List<ManifestLoader.Parsed> files, DesiredState previous, Set<Path> held) {
        Snapshots snapshots = new Snapshots(files, previous, held);
        return snapshots.state(snapshots.resolveOwners());
    }

    /**
     * Rejects files until every claimed name has one owner, then takes back any rejected file that no longer
     * conflicts (the file it lost to may have been rejected in turn and let go of the name).
     */
    private Map<String, Path> resolveOwners() {
        while (true) {
            Map<String, Path> owners = owners();
            Set<Path> losers = new HashSet<>();
            for (ManifestLoader.Parsed file : files) {
                if (accepted(file) && !lostNames(file, owners).isEmpty()) {
                    losers.add(path(file));
                }
            }
            if (!losers.isEmpty()) {
                // Reject first the files that lose to an owner that is sure to keep its names, so a file whose
                // rejection frees a name does not drag down the one that would have taken it.
                Set<Path> certain = new HashSet<>();
                for (ManifestLoader.Parsed file : files) {
                    if (losers.contains(path(file)) && lostNames(file, owners).stream()
                            .anyMatch(name -> !losers.contains(owners.get(name)))) {
                        certain.add(path(file));
                    }
                }
                rejected.addAll(certain.isEmpty() ? losers : certain);
                continue;
            }
            ManifestLoader.Parsed freed = files.stream().filter(file -> rejected.contains(path(file)))
                    .filter(file -> lostNames(file, owners).isEmpty()).findFirst().orElse(null);
            if (freed == null) {
                return owners;
            }
            rejected.remove(path(freed));
        }
    }

    /** Owner of each claimed name: the file that held it before when it still claims it, else the first claimant. */
    private Map<String, Path> owners() {
        Map<String, Path> owners = new HashMap<>();
        for (ManifestLoader.Parsed file : files) {
            for (String name : claims(file)) {
                if (path(file).equals(previousSources.get(name))) {
                    owners.put(name, path(file));
                }
            }
        }
        for (ManifestLoader.Parsed file : files) {
            for (String name : claims(file)) {
                owners.putIfAbsent(name, path(file));
            }
        }
        return owners;
    }

    /** Names a file holds: its new programs when accepted, else the ones it had in the previous state. */
    private List<String> claims(ManifestLoader.Parsed file) {
        List<String> names = new ArrayList<>();
        for (ProgramSpec program : accepted(file) ? file.file().programs() : previous(file)) {
            names.add(program.name());
        }
        return names;
    }

    /** Names of the file's new programs that another file owns. */
    private List<String> lostNames(ManifestLoader.Parsed file, Map<String, Path> owners) {
        List<String> lost = new ArrayList<>();
        for (ProgramSpec program : file.file().programs()) {
            Path owner = owners.get(program.name());
            if (owner != null && !owner.equals(path(file))) {
                lost.add(program.name());
            }
        }
        return lost;
    }

    private DesiredState state(Map<String, Path> owners) {
        Map<String, ProgramSpec> programs = new LinkedHashMap<>();
        Map<String, Path> sources = new LinkedHashMap<>();
        List<ManifestError> errors = new ArrayList<>();
        for (ManifestLoader.Parsed file : files) {
            Path path = path(file);
            for (ProgramSpec program : accepted(file) ? file.file().programs() : previous(file)) {
                if (path.equals(owners.get(program.name()))) {
                    programs.put(program.name(), program);
                    sources.put(program.name(), path);
                }
            }
            errors.addAll(file.file().errors());
            if (rejected.contains(path)) {
                for (String name : lostNames(file, owners)) {
                    errors.add(conflict(file, name, owners.get(name)));
                }
            }
        }
        return new DesiredState(programs, sources, errors);
    }

    private static ManifestError conflict(ManifestLoader.Parsed file, String name, Path owner) {
        Position at = file.namePositions().getOrDefault(name, new Position(0, 0));
        return new ManifestError(path(file), at.line(), at.column(), "metadata.name", "program \"" + name
                + "\" is already defined in " + owner.getFileName() + ", which keeps it; this file is not applied"
                + " until you rename the program or delete one of the two definitions");
    }

    private boolean accepted(ManifestLoader.Parsed file) {
        return file.file().valid() && !rejected.contains(path(file)) && !held.contains(path(file));
    }

    private List<ProgramSpec> previous(ManifestLoader.Parsed file) {
        return previousByFile.getOrDefault(path(file), List.of());
    }

    private static Path path(ManifestLoader.Parsed file) {
        return file.file().path();
    }
}
