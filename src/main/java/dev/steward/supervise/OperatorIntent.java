package dev.steward.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Processes an operator stopped by hand: they stay stopped across reconciles and daemon restarts
 * until started by hand or until their manifest changes. Kept in {@code <state-dir>/stopped-by-hand},
 * one process name per line, rewritten atomically on every change. Owner thread only.
 */
public final class OperatorIntent {
    private final Path file;
    private final Set<String> stopped = new TreeSet<>();
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
                        .filter(line -> !line.isEmpty()).forEach(intent.stopped::add);
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
        return stopped.contains(process);
    }

    public void markStopped(String process) {
        if (stopped.add(process)) {
            changed();
        }
    }

    public void clear(String process) {
        if (stopped.remove(process)) {
            changed();
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
            Files.write(temp, stopped, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // The intent still holds in memory; only a daemon restart would forget it.
            throw new UncheckedIOException("cannot save " + file + " (" + e.getMessage() + "); check the state directory", e);
        }
    }
}
