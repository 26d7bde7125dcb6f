package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Processes an operator stopped by hand: they stay stopped across reconciles and daemon restarts
 * until started by hand or until their manifest changes, also while the daemon was down. Kept in
 * {@code <state-dir>/stopped-by-hand}, one process per line with the {@link ProgramSpec#fingerprint()}
 * of its program when it was stopped ({@code web-1<TAB>3f2a...}; a bare name, as older daemons wrote,
 * has none), rewritten atomically on every change. Owner thread only.
 */
public final class OperatorIntent {
    private final Path file;
    /** Process name to its program's fingerprint when stopped; empty when not known. */
    private final Map<String, String> stopped = new TreeMap<>();
    private int batchDepth;
    private boolean dirty;

    private OperatorIntent(Path file) {
        this.file = file;
    }

    /** Loads the persisted intent; a missing file means nothing was stopped by hand. */
    public static OperatorIntent load(Path stateDir) {
        OperatorIntent intent = new OperatorIntent(stateDir.resolve("stopped-by-hand"));
        try {
            if (Files.exists(intent.file)) {
                Files.readAllLines(intent.file, StandardCharsets.UTF_8).stream().map(String::trim)
                        .filter(line -> !line.isEmpty()).map(line -> line.split("\t", 2))
                        .forEach(fields -> intent.stopped.put(fields[0].trim(), fields.length > 1 ? fields[1].trim() : ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + intent.file + "; fix its permissions or delete it", e);
        }
        return intent;
    }

    /** An intent that is never persisted (tests). */
    public static OperatorIntent inMemory() {
        return new OperatorIntent(null);
    }

    public boolean stoppedByHand(String process) {
        return stopped.containsKey(process);
    }

    /** Whether nothing is stopped by hand: then there is nothing to check a manifest against. */
    public boolean isEmpty() {
        return stopped.isEmpty();
    }

    public void markStopped(String process) {
        markStopped(process, "");
    }

    /** @param fingerprint the {@link ProgramSpec#fingerprint()} of the process's program now */
    public void markStopped(String process, String fingerprint) {
        if (!fingerprint.equals(stopped.put(process, fingerprint))) {
            changed();
        }
    }

    public void clear(String process) {
        if (stopped.remove(process) != null) {
            changed();
        }
    }

    /**
     * Ends "stopped by hand" for a process whose program is no longer the one it was stopped under: its
     * manifest changed while the daemon was down, which ends it as a change while it runs does.
     */
    public void clearIfChanged(String process, String fingerprint) {
        String was = stopped.get(process);
        if (was != null && !was.isEmpty() && !was.equals(fingerprint)) {
            clear(process);
        }
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
        if (file == null) {
            return;
        }
        try {
            Path temp = file.resolveSibling(".stopped-by-hand.tmp");
            Files.write(temp, stopped.entrySet().stream().map(entry -> entry.getValue().isEmpty() ? entry.getKey()
                    : entry.getKey() + "\t" + entry.getValue()).toList(), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // The intent still holds in memory; only a daemon restart would forget it.
            throw new UncheckedIOException("cannot save " + file + " (" + e.getMessage() + "); check the state directory", e);
        }
    }
}
