package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.steward.manifest.ProgramSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The children this daemon has started, in {@code <state-dir>/children}, so that a daemon started after
 * this one died without stopping them (SIGKILL, the OOM killer, a crash) stops those still running
 * before it starts their programs again, and no program runs twice ({@link LeftoverChildren}).
 *
 * <p>Each spawn appends a line at once: written, it survives the daemon's death (the kernel has it; only
 * the machine's own crash loses it, and that ends the children too). A line names the child by its pid
 * and the boot-clock ticks between which the spawn ran, which hold the child's start time as
 * {@code /proc/<pid>/stat} gives it, so that a later process given the same pid is never taken for it;
 * and it keeps how to stop the child. Reading the clock around the spawn costs two calls, where reading
 * the child's stat cost a cold start of 500 programs 27 ms of the owner's time. The file is created by
 * the first spawn; a daemon that has stopped every child deletes it. Lines of children that have ended
 * are dropped by rewriting the file once it holds twice as many lines as live children, plus
 * {@link #SLACK}. Owner thread only.
 */
public final class ChildLedger {
    static final String FILE_NAME = "children";
    /** Lines appended before the first rewrite: more than a cold start of a thousand programs needs. */
    static final int SLACK = 1024;
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final int CLOCK_BOOTTIME = 7;
    /** {@code /proc/<pid>/stat} counts in USER_HZ, 100 a second on every architecture Linux runs Steward on. */
    private static final long NANOS_PER_TICK = 10_000_000;

    private final Path file;
    /** Written with the first child, on the owner thread: a daemon's main thread reaches the first scan sooner. */
    private String header;
    private final Consumer<String> warnings;
    private final int slack;
    private final List<Entry> entries = new ArrayList<>();
    private Memory timespec;
    private int fd = -1;
    private boolean failed;
    private int keptAtLastRewrite;

    /**
     * One child: how to find it again, and how to stop it.
     *
     * @param firstTick the boot clock, in ticks, before the spawn: the child cannot have started earlier
     * @param lastTick  the boot clock, in ticks, after the spawn: nor later
     */
    public record Entry(int pid, long firstTick, long lastTick, String process, int stopSignal, boolean stopAsGroup,
                       boolean killAsGroup, int stopTimeoutSeconds) {
        String line() {
            return pid + " " + firstTick + " " + lastTick + " " + stopSignal + " " + (stopAsGroup ? 1 : 0) + " "
                    + (killAsGroup ? 1 : 0) + " " + stopTimeoutSeconds + " " + process + "\n";
        }

        static Optional<Entry> parse(String line) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 8) {
                return Optional.empty(); // the last line of a daemon killed in the middle of a write
            }
            try {
                return Optional.of(new Entry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                        fields[7], Integer.parseInt(fields[3]), fields[4].equals("1"), fields[5].equals("1"),
                        Integer.parseInt(fields[6])));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** Whether this child is still there, not a later process given its pid. */
        boolean running() {
            return ProcStat.read(pid).filter(stat -> !stat.finished() && stat.startTicks() >= firstTick
                    && stat.startTicks() <= lastTick).isPresent();
        }
    }

    /**
     * What an earlier daemon's ledger says.
     *
     * @param sameBoot whether it was written since the machine last booted: if not, none of its children can be left
     */
    public record Previous(long daemonPid, boolean sameBoot, List<Entry> entries) {
        public Previous {
            entries = List.copyOf(entries);
        }
    }

    private ChildLedger(Path file, Consumer<String> warnings, int slack) {
        this.file = file;
        this.warnings = warnings;
        this.slack = slack;
        this.failed = file == null;
    }

    /** A ledger that records nothing, for supervisors that start no real daemon's children (tests). */
    public static ChildLedger none() {
        return new ChildLedger(null, message -> { }, SLACK);
    }

    /**
     * Starts this daemon's ledger, deleting an earlier daemon's: call it once those children are dealt with.
     *
     * @param warnings told once when the ledger cannot be written, and the daemon goes on without it
     */
    public static ChildLedger begin(Path stateDir, Consumer<String> warnings) {
        return begin(stateDir, warnings, SLACK);
    }

    static ChildLedger begin(Path stateDir, Consumer<String> warnings, int slack) {
        ChildLedger ledger = new ChildLedger(stateDir.resolve(FILE_NAME), warnings, slack);
        try {
            Files.deleteIfExists(ledger.file);
        } catch (IOException e) {
            ledger.fail(e.toString());
        }
        return ledger;
    }

    /** The ledger an earlier daemon left in {@code stateDir}; empty when there is none (it stopped its children). */
    public static Optional<Previous> read(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        long daemon = 0;
        boolean sameBoot = false;
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("boot ")) {
                String[] words = line.split(" ");
                Optional<String> now = bootId();
                sameBoot = words.length == 4 && now.isPresent() && now.get().equals(words[1]);
                daemon = words.length == 4 && words[3].matches("[0-9]{1,18}") ? Long.parseLong(words[3]) : 0;
            } else if (!line.startsWith("#") && !line.isBlank()) {
                Entry.parse(line).ifPresent(entries::add);
            }
        }
        return Optional.of(new Previous(daemon, sameBoot, entries));
    }

    /** The boot clock now, in ticks; a spawn reads it before it starts the child it then {@linkplain #record records}. */
    long beforeSpawn() {
        return failed ? 0 : ticks();
    }

    /** Notes a child spawned as {@code process} of {@code spec}, its spawn having started at {@code firstTick}. */
    void record(int pid, long firstTick, String process, ProgramSpec spec) {
        if (failed) {
            return;
        }
        Entry entry = new Entry(pid, firstTick, ticks(), process, spec.stopSignal(), spec.stopAsGroup(), spec.killAsGroup(),
                spec.stopTimeoutSeconds());
        entries.add(entry);
        if (fd < 0) {
            create(entry);
        } else if (entries.size() >= 2 * keptAtLastRewrite + slack) {
            rewrite();
        } else {
            append(entry.line());
        }
    }

    /** Every child has stopped: nothing is left to stop, so the file goes. */
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
        if (failed) {
            return;
        }
        failed = true; // records nothing more
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            warnings.accept("cannot delete " + file + " (" + e + "): the next daemon will look for children of this one,"
                    + " find none running, and go on");
        }
    }

    /** The lines of children still recorded; for tests. */
    int size() {
        return entries.size();
    }

    private long ticks() {
        if (timespec == null) {
            timespec = new Memory(16);
        }
        LibC.clock_gettime(CLOCK_BOOTTIME, timespec);
        return (timespec.getLong(0) * 1_000_000_000L + timespec.getLong(8)) / NANOS_PER_TICK;
    }

    private void append(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (LibC.write(fd, bytes, bytes.length) != bytes.length) {
            fail(LibC.strerror(Native.getLastError()));
        }
    }

    /**
     * Makes the file with the first child's line, through libc: on a cold start's owner thread, NIO's file classes and a
     * lambda or two took 10 ms to load and link.
     */
    private void create(Entry first) {
        long daemon = ProcessHandle.current().pid();
        header = "# The children of Steward daemon " + daemon + ", one per line: pid, the boot clock's ticks before and"
                + " after its spawn, stop signal, stop as group, kill as group, stop timeout (s), process.\n"
                + "# If that daemon ends without stopping them, the next one on this state directory stops those still running.\n"
                + "boot " + bootId().orElse("unknown") + " daemon " + daemon + "\n";
        fd = LibC.open(file.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_APPEND | LibC.O_CLOEXEC, 0644);
        if (fd < 0) {
            fail(LibC.strerror(Native.getLastError()));
            return;
        }
        append(header + first.line());
        keptAtLastRewrite = 1;
    }

    /** Writes the lines of the children still running to a new file, renamed over the old one, and appends to that. */
    private void rewrite() {
        StringBuilder text = new StringBuilder(header);
        for (Iterator<Entry> each = entries.iterator(); each.hasNext(); ) {
            Entry entry = each.next();
            if (entry == entries.get(entries.size() - 1) || entry.running()) {
                text.append(entry.line());
            } else {
                each.remove();
            }
        }
        Path temp = file.resolveSibling("." + FILE_NAME + ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            fail(e.toString());
            return;
        }
        if (fd >= 0) {
            LibC.close(fd);
        }
        fd = LibC.open(file.toString(), LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            fail(LibC.strerror(Native.getLastError()));
        }
        keptAtLastRewrite = entries.size();
    }

    /** Stops recording after telling why: the programs run on, but a daemon killed now would leave them to the next. */
    private void fail(String reason) {
        if (fd >= 0) {
            LibC.close(fd);
        }
        fd = -1;
        failed = true;
        warnings.accept("cannot write " + file + " (" + reason + "); children are supervised as before, but if this daemon"
                + " dies without stopping them, the next one cannot stop those it left running: free the disk or fix the"
                + " state directory's permissions, then restart the daemon");
    }

    private static Optional<String> bootId() {
        try {
            return Optional.of(Files.readString(BOOT_ID).trim()).filter(id -> !id.isEmpty());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux, or no procfs: no children are ever taken for leftovers
        }
    }
}
