package dev.steward.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The log files the daemon writes, one writer per path. Streams that name the same file (the replicas of a program
 * given one {@code spec.logs.stdout.file}, as Supervisor configurations with {@code numprocs} often do, or stdout and
 * stderr given one path) write through one {@link RotatingFile}: it rotates once, when their output together reaches
 * the limit, and no writer goes on in a backup another one rotated away, or in a file another one deleted. Each
 * writer then hands it whole lines ({@link LogSink}). Supervisor gives every process its own handler of the path,
 * whose rotations tear the others' lines and sizes apart.
 *
 * <p>A path is the same file when it is spelled the same once made absolute and normalized ({@code a/../b} is
 * {@code b}); a path through a symbolic link to a directory is another. Every name of the daemon's own stdout
 * ({@code /dev/stdout}, {@code /proc/self/fd/1}, ...) is one file, and so is every name of its stderr
 * ({@link DaemonStreams}); their writers hand them whole lines even when one stream writes them, since the daemon's
 * own lines go there too. A shared file takes the most generous limits
 * among its streams: the largest {@code maxBytes} (0, never rotate, above all) and the most backups, so that no stream
 * loses output another one meant to keep. Thread-safe.
 */
public final class LogFileTable {

    private final Map<Path, Entry> byPath = new HashMap<>();
    private final LogFileProblems problems;

    /** A table whose files say nothing of their failures but to their streams ({@link LogSink#lastError()}). */
    public LogFileTable() {
        this(LogFileProblems.NONE);
    }

    /** A table whose files tell {@code problems} when they cannot be written, and when they are again. */
    public LogFileTable(LogFileProblems problems) {
        this.problems = problems;
    }

    /** One stream's hold on a file: its own limits, until it lets go. */
    public final class Lease {
        private final Entry entry;
        private long maxBytes;
        private int backups;

        private Lease(Entry entry, long maxBytes, int backups) {
            this.entry = entry;
            this.maxBytes = maxBytes;
            this.backups = backups;
        }

        public RotatingFile file() {
            return entry.file;
        }

        /** This stream's limits changed; the file takes the most generous of its streams'. */
        public void setLimits(long maxBytes, int backups) {
            synchronized (LogFileTable.this) {
                this.maxBytes = maxBytes;
                this.backups = backups;
                entry.applyLimits();
            }
        }

        /** This stream no longer writes the file; the last one to let go closes it. Idempotent. */
        public void release() throws IOException {
            synchronized (LogFileTable.this) {
                if (!entry.leases.remove(this)) {
                    return;
                }
                if (entry.leases.isEmpty()) {
                    byPath.remove(key(entry.file.file()));
                    entry.file.close();
                } else {
                    entry.applyLimits();
                }
            }
        }
    }

    private static final class Entry {
        final RotatingFile file;
        final List<Lease> leases = new ArrayList<>(2);

        Entry(RotatingFile file) {
            this.file = file;
        }

        void applyLimits() {
            long maxBytes = 0;
            boolean unlimited = false;
            int backups = 0;
            for (Lease lease : leases) {
                unlimited |= lease.maxBytes == 0;
                maxBytes = Math.max(maxBytes, lease.maxBytes);
                backups = Math.max(backups, lease.backups);
            }
            file.setLimits(unlimited ? 0 : maxBytes, backups);
        }
    }

    /** A hold on the writer of {@code path}, shared with every stream that holds it already. */
    public synchronized Lease acquire(Path path, long maxBytes, int backups) {
        Entry entry = byPath.computeIfAbsent(key(path), k -> new Entry(new RotatingFile(path, maxBytes, backups, problems)));
        Lease lease = new Lease(entry, maxBytes, backups);
        entry.leases.add(lease);
        if (entry.leases.size() > 1) {
            entry.file.markShared();
            entry.applyLimits();
        }
        return lease;
    }

    /** How many streams write {@code path} now. */
    synchronized int writers(Path path) {
        Entry entry = byPath.get(key(path));
        return entry == null ? 0 : entry.leases.size();
    }

    /** The file a path names, as this table tells files apart. */
    public static Path key(Path path) {
        return DaemonStreams.canonical(path.toAbsolutePath().normalize());
    }
}
