package dev.steward.manifest;

import dev.steward.logs.SharedDirectory;
import dev.steward.manifest.NodeReader.Position;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Changes programs by editing the manifest directory, which stays the single source of truth: the
 * daemon's watcher sees the files change and reconciles. Nothing here touches supervision.
 *
 * <p>A program is edited in the file that defines it, replacing only its own document so the other
 * documents of that file and their comments are kept; a new program gets {@code <name>.yaml}. Every
 * write goes through a temp file and a rename. Each edit is checked by reading the result back before
 * it is written: the edited program must read as intended and the file must stay as valid as it was.
 * Operations are serialized, so two requests never edit the same file from the same old text; a file that someone else
 * (an operator's editor, {@code sed -i}) wrote after the edit read it is not written over: the edit is made again from
 * its new text.
 */
public final class ManifestWriter {

    /** The label of manifests sent in a request, in error positions. */
    public static final Path REQUEST = Path.of("<request>");

    /** What a change did (or, for a dry run, would do) to a program. */
    public enum Action {
        CREATED, CONFIGURED, UNCHANGED, DELETED;

        /** {@code created}, ... as the API shows it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One program's change.
     *
     * @param file   the file written (or that would be), or that already said so when unchanged
     * @param before what the directory said before, when it defined the program readably
     * @param after  what it says after; empty when deleted
     */
    public record Change(String program, Action action, Path file, Optional<ProgramSpec> before,
                         Optional<ProgramSpec> after) {
    }

    /** The changes of an apply, or the errors of the submitted manifests (then nothing was written). */
    public record Outcome(List<Change> changes, List<ManifestError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** How many times an edit is made again from the files as they are when someone else wrote one meanwhile. */
    static final int ATTEMPTS = 3;

    private final Path directory;
    private final ManifestLoader loader = new ManifestLoader();
    /** The files this writer deleted, a program's only one, while they are gone and in force; guarded by this. */
    private final Set<Path> deleted = new HashSet<>();
    private final Runnable beforeWrite;

    /** @param directory the watched manifest directory */
    public ManifestWriter(Path directory) {
        this(directory, () -> { });
    }

    /** @param beforeWrite run once an edit's files are ready to be put in place: a test's hand edit landing meanwhile */
    ManifestWriter(Path directory, Runnable beforeWrite) {
        this.directory = directory.toAbsolutePath().normalize();
        this.beforeWrite = beforeWrite;
    }

    /** A file of an edit was written by someone else after the edit read it: the edit is made again from the new text. */
    private static final class WrittenMeanwhile extends RuntimeException {
        WrittenMeanwhile(Path file) {
            super(file + " was changed by someone else while this edit was being made, " + ATTEMPTS + " times in a row"
                    + " (an editor, or a program that keeps rewriting it?); nothing was written, so that their change is"
                    + " not lost: try again once it is quiet", null, false, false);
        }
    }

    /**
     * Makes {@code edit}, again from the files as they are then when one was written meanwhile, as the Kubernetes API
     * server applies a patch again to an object that changed under it: what an operator saved by hand while an apply,
     * delete or scale was being made is kept, where writing the edit would have undone it.
     */
    private static <T> T retried(Supplier<T> edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                return edit.get();
            } catch (WrittenMeanwhile e) {
                if (attempt == ATTEMPTS) {
                    throw new ManifestConflictException(e.getMessage());
                }
            }
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * One manifest text sent to be applied: a request body, or one of several files sent together.
     *
     * @param label what errors call it: {@link #REQUEST}, or the file's name as the client gave it
     */
    public record Submitted(Path label, String text) {
    }

    /** A program of a submitted manifest, where its name is written, and its document there. */
    private record Located(ProgramSpec spec, Submitted from, Position at, YamlDocuments.Doc doc) {
        String place() {
            String where = from.label().equals(REQUEST) ? "this request" : from.label().toString();
            return at.line() > 0 ? where + ", line " + at.line() : where;
        }

        /** The text to write for it: as sent when it is block-style YAML, else converted to that. */
        String text() {
            return YamlDocuments.blockText(from.text(), doc);
        }

        /**
         * Its text for a file it is added to, with the comment lines right above it where it was sent: they go with it
         * (a replaced document keeps those above it in its file instead).
         */
        String textWithComments() {
            return YamlDocuments.leadingComments(from.text(), doc) + text();
        }
    }

    /**
     * A program an apply creates in a file of its own, {@code <name>.yaml}, which did not exist when looked for: the file
     * is made when the edits are checked, and a dry run lets it go once checked. An apply of thousands of new programs
     * held an edit of each one's file, its document's text and the list of what it writes until all were checked.
     */
    private record NewFile(Path path, Located program) {
        FileEdit edit() {
            FileEdit file = FileEdit.missing(path);
            file.append(program::textWithComments);
            return file;
        }
    }

    /** Writes the programs of {@code body} (one or more YAML or JSON documents): {@link #apply(List, Map, Map, boolean)}. */
    public Outcome apply(String body, Map<String, Path> sources, Map<String, ProgramSpec> inForce, boolean dryRun) {
        return apply(List.of(new Submitted(REQUEST, body)), sources, inForce, dryRun);
    }

    /**
     * Writes the programs of {@code manifests} (each one or more YAML or JSON documents) to the directory, all or
     * nothing: every manifest is read and every change checked before the first file is written.
     *
     * @param sources the file each program in force comes from, preferred over other files defining it
     * @param inForce the programs in force by name: no process of a changed program may take one's process name
     * @param dryRun  work out and check everything, write nothing
     * @throws ManifestConflictException when a file that must change cannot be edited safely
     */
    public synchronized Outcome apply(List<Submitted> manifests, Map<String, Path> sources,
                                      Map<String, ProgramSpec> inForce, boolean dryRun) {
        forgetReadDeletions(sources);
        return retried(() -> applyOnce(manifests, sources, inForce, dryRun));
    }

    private Outcome applyOnce(List<Submitted> manifests, Map<String, Path> sources, Map<String, ProgramSpec> inForce,
                              boolean dryRun) {
        requireReadByTheDaemon();
        List<ManifestError> errors = new ArrayList<>();
        List<Located> programs = read(manifests, errors);
        if (!errors.isEmpty()) {
            return new Outcome(List.of(), errors);
        }
        Map<Path, FileEdit> files = new LinkedHashMap<>();
        Map<Path, List<ProgramSpec>> expected = new LinkedHashMap<>();
        List<NewFile> newFiles = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        List<Path> listed = manifestFiles();
        for (Located program : programs) {
            ProgramSpec spec = program.spec();
            Optional<FileEdit> holder = locate(spec.name(), sources, files, listed);
            Path own = directory.resolve(spec.name() + ".yaml");
            FileEdit file = holder.orElseGet(() -> files.containsKey(own) ? files.get(own) : FileEdit.read(own));
            if (!file.exists()) {
                newFiles.add(new NewFile(own, program));
                changes.add(new Change(spec.name(), Action.CREATED, own, Optional.empty(), Optional.of(spec)));
                continue;
            }
            files.putIfAbsent(file.path(), file); // its own file, there already: the programs after it may be there too
            Optional<YamlDocuments.Doc> doc = file.find(spec.name());
            Optional<ProgramSpec> before = doc.flatMap(d -> specOf(file, d, spec.name()));
            if (before.filter(spec::equals).isPresent()) {
                requireInForce(file, spec.equals(inForce.get(spec.name())), "does not run program " + spec.name()
                        + " as it (and this manifest) define it");
                changes.add(new Change(spec.name(), Action.UNCHANGED, file.path(), before, before));
                continue;
            }
            if (doc.isPresent()) {
                file.replace(doc.get(), program::text);
            } else {
                file.requireReadable("adding program " + spec.name() + " to it");
                file.append(program::textWithComments);
            }
            expected.computeIfAbsent(file.path(), p -> new ArrayList<>()).add(spec);
            changes.add(new Change(spec.name(), doc.isPresent() ? Action.CONFIGURED : Action.CREATED, file.path(),
                    before, Optional.of(spec)));
        }
        List<ManifestError> clashes = processNameClashes(programs, changes, inForce, sources);
        if (!clashes.isEmpty()) {
            return new Outcome(List.of(), clashes);
        }
        List<FileEdit> edited = new ArrayList<>();
        for (FileEdit file : files.values()) {
            if (file.changed()) {
                ManifestCheck.edited(loader, file, expected.get(file.path()), List.of());
                edited.add(file);
            }
        }
        for (NewFile created : newFiles) {
            FileEdit file = created.edit();
            ManifestCheck.edited(loader, file, List.of(created.program().spec()), List.of());
            if (!dryRun) {
                edited.add(file);
            }
        }
        if (!dryRun) {
            write(edited);
        }
        return new Outcome(List.copyOf(changes), List.of());
    }

    /**
     * The programs of every submitted manifest in order; the errors of each, a program defined by two of them, and
     * a request without any program go to {@code errors}. A manifest of only comments among others adds nothing.
     */
    private List<Located> read(List<Submitted> manifests, List<ManifestError> errors) {
        List<Located> programs = new ArrayList<>();
        Map<String, Located> byName = new HashMap<>();
        for (Submitted manifest : manifests) {
            ManifestLoader.Parsed read = loader.parseWithPositions(manifest.label(), manifest.text());
            if (!read.file().valid()) {
                errors.addAll(read.file().errors());
                continue;
            }
            if (read.file().programs().isEmpty()) {
                continue; // only comments, as the watcher takes it: a placeholder in a directory blocks nothing
            }
            Map<String, YamlDocuments.Doc> docs = YamlDocuments.byName(YamlDocuments.split(manifest.label().toString(),
                    manifest.text()));
            for (ProgramSpec spec : read.file().programs()) {
                Located program = new Located(spec, manifest,
                        read.namePositions().getOrDefault(spec.name(), new Position(0, 0)), docs.get(spec.name()));
                Located first = byName.putIfAbsent(spec.name(), program);
                if (first == null) {
                    programs.add(program);
                } else {
                    errors.add(new ManifestError(manifest.label(), program.at().line(), program.at().column(),
                            "metadata.name", "program \"" + spec.name() + "\" is also defined in " + first.place()
                            + "; apply each program from one file only: remove one of the two documents"));
                }
            }
        }
        if (programs.isEmpty() && errors.isEmpty()) {
            Path label = manifests.size() == 1 ? manifests.get(0).label() : REQUEST;
            errors.add(new ManifestError(label, 0, 0, "", (manifests.size() == 1 ? "has no Program document"
                    : "none of the " + manifests.size() + " files has a Program document") + "; send one or more"
                    + " manifests such as {apiVersion: steward.dev/v1, kind: Program, metadata: {name: web},"
                    + " spec: {command: [...]}}"));
        }
        return programs;
    }

    /**
     * Each program the request creates or changes whose name or processes' names another program has: the daemon
     * would reject the file written, so the request is refused instead, with an error at each such program's name in
     * its manifest.
     */
    private static List<ManifestError> processNameClashes(List<Located> programs, List<Change> changes,
                                                          Map<String, ProgramSpec> inForce, Map<String, Path> sources) {
        Map<String, ProgramSpec> unchanged = new LinkedHashMap<>(inForce);
        List<ProgramSpec> changed = new ArrayList<>();
        for (Change change : changes) {
            unchanged.remove(change.program());
            ProgramSpec after = change.after().orElseThrow();
            // "unchanged" compares with the file, which may be one the daemon rejects: only what is in force is settled
            if (after.equals(inForce.get(after.name()))) {
                unchanged.put(after.name(), after);
            } else {
                changed.add(after);
            }
        }
        return ProcessNames.all(unchanged.values(), changed).stream().map(clash -> {
            Located program = located(programs, clash.program().name()).orElseThrow();
            String place = located(programs, clash.other().name()).map(Located::place)
                    .orElseGet(() -> fileOf(clash.other().name(), sources));
            return new ManifestError(program.from().label(), program.at().line(), program.at().column(), "metadata.name",
                    clash.describe(place) + "; " + clash.remedy());
        }).toList();
    }

    private static Optional<Located> located(List<Located> programs, String name) {
        return programs.stream().filter(program -> program.spec().name().equals(name)).findFirst();
    }

    /** The file name that program {@code name} is in force from, for messages. */
    private static String fileOf(String name, Map<String, Path> sources) {
        Path file = sources.get(name);
        return file == null ? "the manifest directory" : file.getFileName().toString();
    }

    /**
     * Removes program {@code name}: its document, or its file when it is the only program there.
     *
     * @throws NoSuchElementException when no manifest defines it
     */
    public synchronized Change delete(String name, Map<String, Path> sources, boolean dryRun) {
        forgetReadDeletions(sources);
        return retried(() -> deleteOnce(name, sources, dryRun));
    }

    private Change deleteOnce(String name, Map<String, Path> sources, boolean dryRun) {
        requireReadByTheDaemon();
        List<Path> listed = manifestFiles();
        Map<Path, FileEdit> read = new LinkedHashMap<>();
        FileEdit file = locate(name, sources, read, listed).orElseThrow(() -> missing(name, read.values()));
        requireNoSecondDefinition(name, file, listed);
        YamlDocuments.Doc doc = file.find(name).orElseThrow();
        Optional<ProgramSpec> before = specOf(file, doc, name);
        boolean alone = file.docs().size() == 1;
        if (!alone) {
            file.remove(doc);
            ManifestCheck.edited(loader, file, List.of(), List.of(name));
        }
        if (!dryRun) {
            if (alone) {
                requireUnchanged(List.of(file));
                try {
                    Files.delete(file.path()); // removing a file is atomic by itself
                    deleted.add(file.path());
                } catch (IOException e) {
                    throw new ManifestWriteException("cannot delete " + file.path() + ": " + failure(e, directory, false), e);
                }
            } else {
                write(List.of(file));
            }
        }
        return new Change(name, Action.DELETED, file.path(), before, Optional.empty());
    }

    /**
     * Refuses a delete that would not delete: another file that defines the program too, valid but for that (the daemon
     * rejects it meanwhile, as the program's name is taken), would come into force once this file no longer defines it,
     * and the program would go on running as that file says.
     */
    private void requireNoSecondDefinition(String name, FileEdit file, List<Path> listed) {
        for (Path other : listed) {
            if (other.equals(file.path())) {
                continue;
            }
            String text;
            try {
                text = Utf8Text.decode(RegularFiles.read(other));
            } catch (Utf8Text.NotUtf8 | RegularFiles.Unreadable e) {
                continue; // the daemon rejects it for that: nothing of it comes into force
            }
            if (!text.contains(name)) {
                continue; // most files: not read as YAML at all
            }
            ManifestLoader.Parsed parsed = loader.parseWithPositions(other, text);
            Position at = parsed.namePositions().get(name);
            if (parsed.file().valid() && at != null) {
                throw new ManifestConflictException("program " + name + " is also defined in " + other + ", line "
                        + at.line() + ", which the daemon rejects meanwhile as the name is taken by "
                        + file.path().getFileName() + ": deleting it from " + file.path().getFileName() + " would put that"
                        + " definition in force, not delete the program; nothing was written. To delete the program,"
                        + " remove its document from " + other.getFileName() + " first, then delete it again; to keep"
                        + " that definition, remove this one from " + file.path().getFileName() + " by hand");
            }
        }
    }

    /**
     * Sets {@code spec.replicas} of program {@code name} in place, changing nothing else in its file.
     *
     * @throws NoSuchElementException    when no manifest defines it
     * @param inForce the programs in force by name: no new process of {@code name} may take one's process name
     * @throws ManifestConflictException when its document is invalid or cannot be edited (flow style), or when a
     *                                   new process would take the name of another program's process
     */
    public synchronized Change scale(String name, int replicas, Map<String, Path> sources, Map<String, ProgramSpec> inForce,
                                     boolean dryRun) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more (got " + replicas + ")");
        }
        forgetReadDeletions(sources);
        return retried(() -> scaleOnce(name, replicas, sources, inForce, dryRun));
    }

    private Change scaleOnce(String name, int replicas, Map<String, Path> sources, Map<String, ProgramSpec> inForce,
                             boolean dryRun) {
        requireReadByTheDaemon();
        Map<Path, FileEdit> read = new LinkedHashMap<>();
        FileEdit file = locate(name, sources, read, manifestFiles()).orElseThrow(() -> missing(name, read.values()));
        YamlDocuments.Doc doc = file.find(name).orElseThrow();
        ProgramSpec before = specOf(file, doc, name).orElseThrow(() -> ManifestCheck.keptInvalid(file, "program " + name
                + " cannot be scaled in it", documentError(file, doc).or(() -> firstError(file)).orElseThrow()));
        ProgramSpec after = ReplicasEdit.withReplicas(before, replicas);
        Map<String, ProgramSpec> others = new LinkedHashMap<>(inForce);
        others.remove(name);
        // Also when the file already says so: the daemon may be rejecting it for this very clash.
        ProcessNames.find(others.values(), List.of(after)).ifPresent(clash -> {
            throw new ManifestConflictException("cannot scale " + name + " to " + replicas + ": " + clash.describe(fileOf(clash.other().name(), sources))
                    + "; nothing was written: choose another number of replicas, or rename one of the programs first");
        });
        if (before.replicas() == replicas) {
            requireInForce(file, Optional.ofNullable(inForce.get(name)).filter(p -> p.replicas() == replicas).isPresent(),
                    "does not run program " + name + " with the " + replicas + " replicas it says");
            return new Change(name, Action.UNCHANGED, file.path(), Optional.of(before), Optional.of(before));
        }
        ReplicasEdit.apply(file, doc, replicas);
        ManifestCheck.edited(loader, file, List.of(after), List.of());
        if (!dryRun) {
            write(List.of(file));
        }
        return new Change(name, Action.CONFIGURED, file.path(), Optional.of(before), Optional.of(after));
    }

    /**
     * The file defining {@code name}: the one it is in force from when that still defines it, else the
     * first manifest file by name that does (the watcher gives a name to the file that sorts first).
     */
    private Optional<FileEdit> locate(String name, Map<String, Path> sources, Map<Path, FileEdit> files, List<Path> listed) {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(sources.get(name)).map(p -> p.toAbsolutePath().normalize()).ifPresent(candidates::add);
        candidates.addAll(listed);
        for (Path path : candidates) {
            FileEdit file = files.computeIfAbsent(path, FileEdit::read);
            if (path.equals(candidates.get(0)) && sources.containsKey(name) && file.exists()) {
                file.requireReadable("changing program " + name);
            }
            if (file.find(name).isPresent()) {
                return Optional.of(file);
            }
        }
        FileEdit source = sources.containsKey(name) ? files.get(candidates.get(0)) : null; // the file it runs from
        if (source != null && goneForAMoment(source.path(), name)) {
            throw new ManifestConflictException(source.path() + ", which program " + name + " runs from, is gone at the"
                    + " moment (deleted, or being written again), and no other manifest defines it; nothing was written. Try"
                    + " again in a moment, once the daemon has read the directory");
        }
        if (source != null && (source.exists() || Files.isSymbolicLink(source.path()))) {
            // A link pointing nowhere (its target deleted) is invalid to the daemon too, which keeps its programs meanwhile
            Optional<ManifestError> invalid = source.exists() ? firstError(source)
                    : loader.load(source.path()).errors().stream().findFirst();
            if (invalid.isPresent()) { // not a moment's state: the daemon holds its last good version until it is fixed
                throw ManifestCheck.keptInvalid(source, "still runs program " + name + " from it, though the file no"
                        + " longer defines it", invalid.get());
            }
            // It runs from a file that no longer names it, and no other does: a file being rewritten (an editor that
            // empties it first), whose programs the daemon holds meanwhile, or an edit not yet read. A new file now
            // would define it twice once that one is written back.
            throw new ManifestConflictException(source.path() + ", which program " + name + " runs from, does not define"
                    + " it at the moment (being rewritten?), and no other manifest does; nothing was written. Try again in a"
                    + " moment, once the daemon has read that file");
        }
        return Optional.empty();
    }

    /**
     * Whether the file a program runs from is missing, and the daemon has not yet read so, for a moment as far as can be
     * told: a checkout, or an rm and cp, deletes it and writes it again (the watcher waits for that before it stops
     * anything), and a new file for the program now would be its second definition, which the daemon rejects once the first
     * is back: the edit reported done would never run. Not so when this writer deleted it ({@code delete && apply}), nor
     * when the new file would take its place, nor for a link pointing nowhere, which the daemon rejects as invalid.
     */
    private boolean goneForAMoment(Path source, String name) {
        deleted.removeIf(path -> Files.exists(path, LinkOption.NOFOLLOW_LINKS)); // there again: no longer known as deleted
        return !Files.exists(source, LinkOption.NOFOLLOW_LINKS) && !deleted.contains(source)
                && !source.equals(directory.resolve(name + ".yaml"));
    }

    /**
     * Forgets the files this writer deleted that no program runs from any more: the daemon has read the deletion, and a
     * file made there again and deleted (a checkout) is one it may be about to read back. So the set holds no more
     * than the files in force.
     */
    private void forgetReadDeletions(Map<String, Path> sources) {
        if (deleted.isEmpty()) {
            return;
        }
        Set<Path> inForce = new HashSet<>();
        for (Path source : sources.values()) {
            inForce.add(source.toAbsolutePath().normalize());
        }
        deleted.retainAll(inForce);
    }

    /**
     * Refuses an edit the daemon would not see: it reads no file of a directory every user may write (ManifestSource), so
     * the edit would be reported done while nothing changed.
     */
    private void requireReadByTheDaemon() {
        RegularFiles.writableByEveryUser(directory).ifPresent(permissions -> {
            throw new ManifestConflictException("the manifest directory " + directory + " is writable by every user ("
                    + permissions + "), so the daemon reads none of its files until it is not; nothing was written:"
                    + " chmod o-w it, then try again");
        });
    }

    private List<Path> manifestFiles() {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(ManifestSource::isManifestName).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            return List.of(); // a missing directory holds no programs; it is created on the first write
        }
    }

    /**
     * For an edit found unneeded, the file already saying what was asked: unless the daemon runs that ({@code runsSo}),
     * a file it rejects is a 409 naming its first error, as the daemon runs the file's last good version instead.
     */
    private void requireInForce(FileEdit file, boolean runsSo, String outcome) {
        Optional<ManifestError> invalid = runsSo ? Optional.empty() : firstError(file);
        if (invalid.isPresent()) {
            throw ManifestCheck.keptInvalid(file, outcome, invalid.get());
        }
    }

    /** The first error of one document of {@code file}, at its place in the file; empty when it reads. */
    private Optional<ManifestError> documentError(FileEdit file, YamlDocuments.Doc doc) {
        return parseDocument(file, doc).errors().stream().findFirst()
                .map(error -> YamlDocuments.inFile(file.original(), doc, error));
    }

    /** One document of {@code file} read alone (its errors count lines from the document's start). */
    private ManifestFile parseDocument(FileEdit file, YamlDocuments.Doc doc) {
        return loader.parse(file.path(), YamlDocuments.alone(file.original(), doc));
    }

    /** The first error of {@code file} as it is, which the daemon rejects then; empty when it is valid. */
    private Optional<ManifestError> firstError(FileEdit file) {
        return loader.parse(file.path(), file.original()).errors().stream().findFirst();
    }

    /** The program a document defines, when the document alone reads without error. */
    private Optional<ProgramSpec> specOf(FileEdit file, YamlDocuments.Doc doc, String name) {
        ManifestFile one = parseDocument(file, doc);
        return one.programs().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Writes the edited files, all or none: each is written beside itself first, and put in place (renamed) only once
     * all are, so that a file that cannot be written (no room, no permission, a read-only mount) leaves every file as it
     * was, as the answer says. Only a rename failing after others were made would leave them done; renaming within a
     * directory needs no room.
     *
     * @throws WrittenMeanwhile when a file no longer holds the text the edit was made from; nothing is written then
     */
    private void write(List<FileEdit> edits) {
        List<AtomicFiles.Staged> staged = new ArrayList<>();
        try {
            for (FileEdit file : edits) {
                staged.add(stage(file.path(), file.result()));
            }
            // Looked at last, just before the renames, so that as little time as possible is left for a write to be lost
            requireUnchanged(edits);
            for (int i = 0; i < staged.size(); i++) {
                try {
                    staged.get(i).commit();
                } catch (IOException e) {
                    throw cannotWrite(edits.get(i).path(), e);
                }
            }
        } finally {
            staged.forEach(AtomicFiles.Staged::discard);
        }
    }

    /** @throws WrittenMeanwhile when a file of {@code edits} no longer holds the text the edit was made from */
    private void requireUnchanged(List<FileEdit> edits) {
        beforeWrite.run();
        for (FileEdit file : edits) {
            if (!file.unchangedSinceRead()) {
                throw new WrittenMeanwhile(file.path());
            }
        }
    }

    private AtomicFiles.Staged stage(Path file, String text) {
        try {
            SharedDirectory.createDirectories(file.getParent());
            return AtomicFiles.stage(file, text);
        } catch (IOException e) {
            throw cannotWrite(file, e);
        }
    }

    private ManifestWriteException cannotWrite(Path file, IOException e) {
        Path where = directory;
        if (e instanceof FileSystemException failed && failed.getFile() != null && Files.isSymbolicLink(file)) {
            // a linked manifest is written where its link leads: the directory of the file that failed is the one
            Path parent = Path.of(failed.getFile()).toAbsolutePath().getParent();
            where = parent != null ? parent : directory;
        }
        return new ManifestWriteException("cannot write " + file + ": " + failure(e, where, true), e);
    }

    /**
     * Why a write in {@code where} failed, and what to do. A read-only mount (a Kubernetes ConfigMap or Secret, a
     * {@code :ro} volume) is not a matter of the daemon's user or of room: the manifests change where they come from.
     */
    static String failure(IOException e, Path where, boolean writing) {
        if (e instanceof FileSystemException failed && ("Read-only file system".equals(failed.getReason()) || readOnly(e, where))) {
            return where + " is on a read-only file system (a ConfigMap or a read-only volume): change the manifests"
                    + " where they come from, or mount the directory writable";
        }
        return describe(e) + "; check that the daemon's user may write to " + where
                + (writing ? " and that its file system has room" : "");
    }

    /**
     * Whether a failure other than a refused permission came of a file system mounted read-only, by access(2), which
     * says so even to root: for a reason the JDK gives in the system's language (glibc's strerror), where the text
     * above is only the C locale's.
     */
    private static boolean readOnly(IOException e, Path where) {
        return !(e instanceof java.nio.file.AccessDeniedException) && Files.isDirectory(where) && !Files.isWritable(where);
    }

    /** The JDK's exceptions name the file in their message, or only it (AccessDeniedException). */
    private static String describe(IOException e) {
        String kind = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : e.getMessage();
        return kind == null ? e.getClass().getSimpleName() : kind;
    }

    /** @param looked the files read to look for it: one that could not be read as YAML may define it, unseen */
    private NoSuchElementException missing(String name, Collection<FileEdit> looked) {
        StringBuilder unread = new StringBuilder();
        for (FileEdit file : looked) {
            file.unreadable().ifPresent(problem -> unread.append("; ").append(problem));
        }
        if (unread.length() > 0) {
            return new NoSuchElementException("no manifest in " + directory + " that can be read defines a program named \""
                    + name + "\", and one that cannot may" + unread);
        }
        return new NoSuchElementException("no manifest in " + directory + " defines a program named \"" + name
                + "\"; run `steward get programs` to list them");
    }
}
