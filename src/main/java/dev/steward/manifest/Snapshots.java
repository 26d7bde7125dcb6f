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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Combines the parsed files of one directory scan into a {@link DesiredState}, given the previous one.
 *
 * <p>A file that is invalid, or rejected because it defines a program name another file holds, keeps the programs
 * it had in the previous state: an edit that breaks a file must not stop what it was running; so does a file the
 * source holds for a moment (just emptied, perhaps being written), which keeps its errors too. A file renamed and
 * broken in one scan (a checkout) is the same edit in two steps: an invalid file new in this scan takes over the
 * programs it names whose file is gone, unless a valid file claims them. A name defined in several files stays with
 * the file that held it before; a new name goes to the file that sorts first.
 */
final class Snapshots {

    private final List<ManifestLoader.Parsed> files;
    private final Map<String, Path> previousSources;
    /** What each file offers when it is not accepted: its programs of the previous state, and any it took over. */
    private final Map<Path, List<ProgramSpec>> previousByFile = new HashMap<>();
    private final Set<Path> rejected = new HashSet<>();
    /** Files rejected because a process of theirs would share its name with another program's: why, by file. */
    private final Map<Path, ManifestError> collided = new HashMap<>();
    private final Map<String, ProgramSpec> previousPrograms;
    private final Set<Path> held;
    private final List<ManifestError> previousErrors;
    /**
     * Programs whose file is gone, by name, and the invalid file new in this scan that took each over (it offers them
     * as its own previous programs).
     */
    private final Map<String, Path> adopter = new HashMap<>();

    private Snapshots(List<ManifestLoader.Parsed> files, DesiredState previous, Set<Path> held, Set<Path> appeared) {
        this.files = files;
        this.held = held;
        this.previousErrors = previous.errors();
        this.previousSources = previous.sources();
        this.previousPrograms = previous.programs();
        previous.sources().forEach((name, file) ->
                previousByFile.computeIfAbsent(file, f -> new ArrayList<>()).add(previous.programs().get(name)));
        adoptRenamed(appeared);
    }

    /** Each program whose file is gone goes to the first invalid file, new in this scan, that names it. */
    private void adoptRenamed(Set<Path> appeared) {
        if (appeared.isEmpty()) {
            return; // no file can take anything over: every re-list without a new file, and every settling pass
        }
        Set<Path> present = new HashSet<>();
        files.forEach(file -> present.add(path(file)));
        Map<String, ProgramSpec> fileGone = new HashMap<>();
        previousSources.forEach((name, file) -> {
            if (!present.contains(file)) {
                fileGone.put(name, previousPrograms.get(name));
            }
        });
        for (ManifestLoader.Parsed file : files) {
            if (fileGone.isEmpty()) {
                return;
            }
            if (file.file().valid() || !appeared.contains(path(file))) {
                continue;
            }
            // In name order: the positions' map has none, and a scan must give the same state each time.
            for (String name : new TreeSet<>(file.namePositions().keySet())) {
                ProgramSpec gone = fileGone.remove(name);
                if (gone != null) {
                    previousByFile.computeIfAbsent(path(file), f -> new ArrayList<>()).add(gone);
                    adopter.put(name, path(file));
                }
            }
        }
    }

    /**
     * The state the directory asks for now.
     *
     * @param files    every manifest file of the directory, sorted by name
     * @param previous the last published state, empty at the first scan
     * @param held     files that keep their previous programs whatever they hold now (just emptied, maybe being
     *                 written)
     * @param appeared files that were not there at the previous scan
     */
    static DesiredState build(List<ManifestLoader.Parsed> files, DesiredState previous, Set<Path> held, Set<Path> appeared) {
        Snapshots first = new Snapshots(files, previous, held, appeared);
        Map<String, Path> owners = first.resolve();
        DesiredState state = first.state(owners);
        if (first.rejected.isEmpty()) {
            return state; // a re-scan finds every name held by the file that defines it: nothing moves
        }
        // Which file is rejected first decides which others get in: in a swap (a.yaml takes b.yaml's name, b.yaml
        // a.yaml's) that a third file contests, rejecting the third first lets the swap in, and rejecting the two
        // first leaves them on their old programs. The next re-scan, finding names where this one left them, could
        // then settle differently and restart what it changed. So resolve again from this state until nothing moves:
        // what is published is what a re-scan gives, errors too: those of the pass that changed nothing (a clash
        // can be blamed on another program once the first pass's program is the one that was there). A file in
        // force holds its names before any other, so a pass only lets more files in: at most one pass per file
        // rejected in the first, and one that confirms.
        DesiredState settled = state;
        for (int pass = 0; pass <= files.size(); pass++) {
            Snapshots next = new Snapshots(files, settled, held, Set.of());
            DesiredState again = next.state(next.resolve());
            boolean moved = !again.programs().equals(settled.programs()) || !again.sources().equals(settled.sources());
            settled = again;
            if (!moved) {
                break;
            }
        }
        // The takeover notes are said in the scan that took programs over: only the first pass makes them.
        List<ManifestError> errors = new ArrayList<>(settled.errors());
        Map<String, Path> settledSources = settled.sources();
        first.takeoverNotes(owners).forEach((name, note) -> {
            if (note.file().equals(settledSources.get(name))) {
                errors.add(note);
            }
        });
        return new DesiredState(settled.programs(), settledSources, errors);
    }

    /** Owners of every name once no file is rejected for a clash of process names any more. */
    private Map<String, Path> resolve() {
        while (true) {
            Map<String, Path> owners = resolveOwners();
            if (!rejectACollision(owners)) {
                return owners;
            }
        }
    }

    /**
     * Process names are unique too: program {@code a} with two replicas runs {@code a-0} and {@code a-1}, so a
     * program named {@code a-0} cannot run beside it (logs, stop marks and the API address processes by name).
     * Of two programs whose processes would share a name, the one unchanged since the last state keeps it,
     * else the one that was there, else the one whose file sorts first; the other's file is rejected and keeps
     * its previous programs, as an invalid file does. Returns whether a file was rejected (then resolve again).
     */
    private boolean rejectACollision(Map<String, Path> owners) {
        List<ProgramSpec> inFileOrder = new ArrayList<>();
        files.forEach(file -> inFileOrder.addAll(programsInForce(file, owners)));
        Optional<ProcessNames.Clash> clash = ProcessNames.find(List.of(), inFileOrder);
        if (clash.isEmpty()) {
            return false;
        }
        ProgramSpec program = clash.get().program();
        ProgramSpec other = clash.get().other(); // met first in file order
        ProgramSpec loser = keeps(other, program) ? program : other;
        if (rejected.contains(owners.get(loser.name()))) {
            loser = loser == program ? other : program; // it already gave way: the other must
        }
        Path lost = owners.get(loser.name());
        if (rejected.contains(lost)) {
            return false; // both files already fell back to what they were: nothing left to undo
        }
        ProgramSpec winner = loser == program ? other : program;
        rejected.add(lost);
        collided.put(lost, collision(lost, loser, winner, clash.get().name(), owners.get(winner.name())));
        return true;
    }

    /** Whether {@code first}, met first in file order, keeps its process names against {@code second}. */
    private boolean keeps(ProgramSpec first, ProgramSpec second) {
        boolean firstSame = first.equals(previousPrograms.get(first.name()));
        boolean secondSame = second.equals(previousPrograms.get(second.name()));
        if (firstSame != secondSame) {
            return firstSame;
        }
        boolean firstThere = previousPrograms.containsKey(first.name());
        boolean secondThere = previousPrograms.containsKey(second.name());
        return firstThere || !secondThere;
    }

    private ManifestError collision(Path file, ProgramSpec loser, ProgramSpec winner, String process, Path winnerFile) {
        Position at = parsed(file).namePositions().getOrDefault(loser.name(), new Position(0, 0));
        ProcessNames.Clash clash = new ProcessNames.Clash(loser, winner, process);
        return new ManifestError(file, at.line(), at.column(), "metadata.name",
                clash.describe(winnerFile.getFileName().toString()) + "; this file is not applied until you " + clash.remedy());
    }

    /** The programs a file contributes to the state now: those it offers and owns. */
    private List<ProgramSpec> programsInForce(ManifestLoader.Parsed file, Map<String, Path> owners) {
        List<ProgramSpec> inForce = new ArrayList<>();
        for (ProgramSpec program : offered(file)) {
            if (path(file).equals(owners.get(program.name()))) {
                inForce.add(program);
            }
        }
        return inForce;
    }

    /**
     * Rejects files until every claimed name has one owner, then takes back any rejected file that no longer
     * conflicts (the file it lost to may have been rejected in turn and let go of the name).
     */
    private Map<String, Path> resolveOwners() {
        // Each file is taken back at most once: rejections only grow between take-backs, so this ends.
        Set<Path> takenBack = new HashSet<>();
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
            // A name a file only took over from a vanished one is no reason to keep a valid file out: it gives way.
            ManifestLoader.Parsed freed = files.stream().filter(file -> rejected.contains(path(file)))
                    .filter(file -> !collided.containsKey(path(file)) && !takenBack.contains(path(file)))
                    .filter(file -> lostNames(file, owners).stream().allMatch(name -> takenOver(name, owners)))
                    .findFirst().orElse(null);
            if (freed == null) {
                return owners;
            }
            rejected.remove(path(freed));
            takenBack.add(path(freed));
        }
    }

    /**
     * Owner of each claimed name: the file that held it before when it still claims it, else the first claimant, else
     * a file that took it over from a file that is gone (the weakest claim: any file that means it wins).
     */
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
                if (!path(file).equals(adopter.get(name))) {
                    owners.putIfAbsent(name, path(file));
                }
            }
        }
        adopter.forEach(owners::putIfAbsent);
        return owners;
    }

    /** Names a file holds: its new programs when accepted, else the ones it had in the previous state. */
    private List<String> claims(ManifestLoader.Parsed file) {
        List<String> names = new ArrayList<>();
        for (ProgramSpec program : offered(file)) {
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
            for (ProgramSpec program : programsInForce(file, owners)) {
                programs.put(program.name(), program);
                sources.put(program.name(), path);
            }
            if (held.contains(path)) {
                // As it was, errors too: a moment of emptiness neither reports a broken file fixed nor makes a file
                // that took programs over look as if it had a good version of its own.
                previousErrors.stream().filter(error -> error.file().equals(path)).forEach(errors::add);
                continue;
            }
            errors.addAll(file.file().errors());
            if (collided.containsKey(path)) {
                errors.add(collided.get(path));
            }
            if (rejected.contains(path)) {
                for (String name : lostNames(file, owners)) {
                    errors.add(conflict(file, name, owners.get(name)));
                }
            }
        }
        errors.addAll(takeoverNotes(owners).values());
        return new DesiredState(programs, sources, errors);
    }

    /** A note for each program a file took over and still holds, by the program's name (errors sort by place). */
    private Map<String, ManifestError> takeoverNotes(Map<String, Path> owners) {
        Map<String, ManifestError> notes = new HashMap<>();
        adopter.forEach((name, file) -> {
            if (takenOver(name, owners) && !held.contains(file)) {
                notes.put(name, takeoverNote(file, name));
            }
        });
        return notes;
    }

    private ManifestError takeoverNote(Path file, String name) {
        Position at = parsed(file).namePositions().getOrDefault(name, new Position(0, 0));
        // No field: nothing is wrong with the name; this says what runs meanwhile, once, in the scan that took it over.
        return new ManifestError(file, at.line(), at.column(), "", "program \"" + name + "\" keeps running as it"
                + " was: its file " + previousSources.get(name).getFileName() + " is gone and this file, which names it,"
                + " is invalid; fix this file to apply it, or stop it with `steward delete program " + name + "`");
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

    /** What a file puts forward: its new programs when accepted, else the ones it had in the previous state. */
    private List<ProgramSpec> offered(ManifestLoader.Parsed file) {
        return accepted(file) ? file.file().programs() : previous(file);
    }

    /** Whether {@code name} is held only by the file that took it over from a file that is gone. */
    private boolean takenOver(String name, Map<String, Path> owners) {
        Path owner = owners.get(name);
        return owner != null && owner.equals(adopter.get(name));
    }

    /** The programs a file had in the previous state, and those it took over from a file that is gone. */
    private List<ProgramSpec> previous(ManifestLoader.Parsed file) {
        return previousByFile.getOrDefault(path(file), List.of());
    }

    private ManifestLoader.Parsed parsed(Path file) {
        return files.stream().filter(f -> path(f).equals(file)).findFirst().orElseThrow();
    }

    private static Path path(ManifestLoader.Parsed file) {
        return file.file().path();
    }
}
