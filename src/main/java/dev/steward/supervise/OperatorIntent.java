package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Processes an operator stopped by hand: they stay stopped across reconciles and daemon restarts
 * until started by hand or until their manifest changes, also while the daemon was down. Kept in
 * {@code <state-dir>/stopped-by-hand}, one process name per line, and beside it in
 * {@code stopped-by-hand.manifests} the program and the {@link ProgramSpec#fingerprint()} each was
 * stopped under ({@code web-1<TAB>web<TAB>1:3f2a...}): a daemon of an earlier version reads the names
 * alone and keeps them, and a name with no fingerprint is kept as before. Both are rewritten atomically
 * on every change. A change that cannot be saved (a full disk, a read-only state directory) still holds in memory: it
 * is said once, and saved by the next batch that runs once the files can be written again. Owner thread only.
 */
public final class OperatorIntent {
    private static final String NAMES = "stopped-by-hand";
    private static final String MANIFESTS = "stopped-by-hand.manifests";

    /** The program a process was stopped in and that program's fingerprint then; empty strings when unknown. */
    private record Stop(String program, String fingerprint) {
        static final Stop UNKNOWN = new Stop("", "");
    }

    private final Path stateDir;
    private final Consumer<String> warnings;
    private final Consumer<String> notices;
    private final Map<String, Stop> stopped = new TreeMap<>();
    private int batchDepth;
    private boolean dirty; // changed since the files were last written (or since a write failed)
    private boolean failing; // the last save failed, and warnings was told

    private OperatorIntent(Path stateDir, Consumer<String> warnings, Consumer<String> notices) {
        this.stateDir = stateDir;
        this.warnings = warnings;
        this.notices = notices;
    }

    /** Loads the persisted intent; a missing file means nothing was stopped by hand. */
    public static OperatorIntent load(Path stateDir) {
        return load(stateDir, warning -> { }, notice -> { });
    }

    /**
     * As {@link #load(Path)}, with {@code warnings} told when the files cannot be saved, and {@code notices} once they are
     * saved again: the stop or start asked for is carried out all the same, but a daemon started meanwhile would not know
     * of it.
     */
    public static OperatorIntent load(Path stateDir, Consumer<String> warnings, Consumer<String> notices) {
        OperatorIntent intent = new OperatorIntent(stateDir, warnings, notices);
        Path names = stateDir.resolve(NAMES);
        Path manifests = stateDir.resolve(MANIFESTS);
        try {
            if (Files.exists(names)) {
                Files.readAllLines(names, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(line -> !line.isEmpty()).forEach(name -> intent.stopped.put(name, Stop.UNKNOWN));
            }
            if (Files.exists(manifests)) {
                for (String line : Files.readAllLines(manifests, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t");
                    if (fields.length == 3 && intent.stopped.containsKey(fields[0])) {
                        intent.stopped.put(fields[0], new Stop(fields[1], fields[2]));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + names + " or " + manifests + "; fix their permissions or delete them", e);
        }
        return intent;
    }

    /** An intent that is never persisted (tests). */
    public static OperatorIntent inMemory() {
        return new OperatorIntent(null, warning -> { }, notice -> { });
    }

    public boolean stoppedByHand(String process) {
        return stopped.containsKey(process);
    }

    /** Whether nothing is stopped by hand. */
    public boolean isEmpty() {
        return stopped.isEmpty();
    }

    public void markStopped(String process) {
        put(process, Stop.UNKNOWN);
    }

    /** Marks a process of {@code program} as it is now: a later daemon that finds the program changed ends the mark. */
    public void markStopped(String process, ProgramSpec program) {
        put(process, new Stop(program.name(), program.fingerprint()));
    }

    private void put(String process, Stop stop) {
        if (!stop.equals(stopped.put(process, stop))) {
            changed();
        }
    }

    public void clear(String process) {
        if (stopped.remove(process) != null) {
            changed();
        }
    }

    /** Ends "stopped by hand" for the processes of programs not among {@code programs} (marks without a program stay). */
    public void clearAbsent(Set<String> programs) {
        clearWhere(stop -> !stop.program().isEmpty() && !programs.contains(stop.program()));
    }

    /**
     * Ends "stopped by hand" for every process of {@code program} that was stopped under another version of
     * it: its manifest changed while the daemon was down, which ends it as a change while it runs does. Marks
     * made by a daemon whose fingerprints differ in form (another {@link ProgramSpec#FINGERPRINT_VERSION}) are
     * kept, as are marks without one.
     */
    public void clearChanged(ProgramSpec program) {
        if (isEmpty()) {
            return; // the usual case: no fingerprint to compute
        }
        String now = program.fingerprint();
        String form = now.substring(0, now.indexOf(':') + 1);
        clearWhere(stop -> stop.program().equals(program.name()) && stop.fingerprint().startsWith(form)
                && !stop.fingerprint().equals(now));
    }

    private void clearWhere(Predicate<Stop> ended) {
        List<String> processes = stopped.entrySet().stream().filter(entry -> ended.test(entry.getValue()))
                .map(Map.Entry::getKey).toList();
        processes.forEach(this::clear);
    }

    /** {@link #batch(Supplier)} for work with no result. */
    public void batch(Runnable work) {
        batch(() -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} and writes the file once at the end, however many marks it changed: `stop
     * all` on a thousand processes is one write, not a thousand.
     */
    public <T> T batch(Supplier<T> work) {
        batchDepth++;
        try {
            return work.get();
        } finally {
            batchDepth--;
            if (batchDepth == 0 && dirty) {
                save();
            }
        }
    }

    private void changed() {
        dirty = true;
        if (batchDepth == 0) {
            save();
        }
    }

    private void save() {
        dirty = false;
        if (stateDir == null) {
            return;
        }
        List<String> manifests = new ArrayList<>();
        stopped.forEach((name, stop) -> {
            if (!stop.fingerprint().isEmpty()) {
                manifests.add(name + "\t" + stop.program() + "\t" + stop.fingerprint());
            }
        });
        try {
            write(MANIFESTS, manifests);
            write(NAMES, List.copyOf(stopped.keySet()));
        } catch (IOException e) {
            // The action it records has been carried out, and holds in memory: no reason to fail it. Tried again by the
            // next batch (an action, a reconcile), since it is still dirty.
            dirty = true;
            if (!failing) {
                failing = true;
                warnings.accept("cannot save " + stateDir.resolve(NAMES) + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): stops and starts by hand are carried out"
                        + " and hold while this daemon runs, but a daemon started after it would go by the file, which is"
                        + " out of date; free the disk or fix the state directory's permissions (the file is written"
                        + " again at the next start, stop or manifest change)");
            }
            return;
        }
        if (failing) {
            failing = false;
            notices.accept("saved " + stateDir.resolve(NAMES) + " again: the processes stopped by hand are recorded");
        }
    }

    private void write(String name, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        StateFiles.replace(stateDir.resolve(name), text);
    }
}
