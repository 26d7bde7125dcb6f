package dev.steward.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The log files the daemon writes, one writer per path. Streams that name the same file (the replicas of a program
 * given one {@code spec.logs.stdout.file}, as Supervisor configurations with {@code numprocs} often do, or stdout and
 * stderr given one path) write through one {@link RotatingFile}: it rotates once, when their output together reaches
 * the limit, and no writer goes on in a backup another one rotated away, or in a file another one deleted. Each
 * writer then hands it whole lines ({@link LogSink}). Supervisor gives every process its own handler of the path,
 * whose rotations tear the others' lines and sizes apart.
 *
 * <p>The limits are the latest stream's to arrive or change them. Thread-safe.
 */
public final class LogFileTable {

    private final Map<Path, Entry> byPath = new HashMap<>();

    private static final class Entry {
        final RotatingFile file;
        int writers;

        Entry(RotatingFile file) {
            this.file = file;
        }
    }

    /** The writer of {@code path}, shared with every stream that holds it already; give it back with {@link #release}. */
    public synchronized RotatingFile acquire(Path path, long maxBytes, int backups) {
        Entry entry = byPath.get(key(path));
        if (entry == null) {
            entry = new Entry(new RotatingFile(path, maxBytes, backups));
            byPath.put(key(path), entry);
        } else {
            entry.file.setLimits(maxBytes, backups);
            entry.file.markShared();
        }
        entry.writers++;
        return entry.file;
    }

    /** One stream no longer writes {@code file}; the last one closes it. */
    public synchronized void release(RotatingFile file) throws IOException {
        Path key = key(file.file());
        Entry entry = byPath.get(key);
        if (entry == null || entry.file != file) {
            file.close(); // not from this table
            return;
        }
        if (--entry.writers == 0) {
            byPath.remove(key);
            file.close();
        }
    }

    /** How many streams write {@code path} now. */
    public synchronized int writers(Path path) {
        Entry entry = byPath.get(key(path));
        return entry == null ? 0 : entry.writers;
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }
}
