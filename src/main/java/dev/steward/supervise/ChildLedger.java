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
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The children this daemon has started, in {@code <state-dir>/children}, so that a daemon started after
 * this one died without stopping them (SIGKILL, the OOM killer, a crash) stops those still running
 * before it starts their programs again, and no program runs twice ({@link LeftoverChildren}).
 *
 * <p>Each spawn appends a line at once: written, it survives the daemon's death (the kernel has it; only
 * the machine's own crash loses it, and that ends the children too). A line names the child by its pid
 * and the boot-clock ticks between which the spawn ran, which hold the child's start time as
 * {@code /proc/<pid>/stat} gives it, so that a later process given the same pid is never taken for it;
 * and it keeps how to stop it. Ticks and pids mean that only on the same boot and in the same time and
 * pid namespaces, which the file's first line names ({@link #here}). Reading the clock around the spawn
 * costs two calls, where reading the child's stat cost a cold start of 500 programs 27 ms of the owner's
 * time. The file is created by the first spawn; a daemon that has stopped every child deletes it. Lines
 * of children that have ended are dropped by rewriting the file once it holds twice as many lines as
 * live children, plus {@link #SLACK}. A file that cannot be written (a full disk) is said once; the children
 * are still noted in memory, and the whole file is written again at a spawn once it can be (tried at most once a
 * second), so that a full disk does not leave the rest of this daemon's life unrecorded. Owner thread only, after
 * {@link #begin}.
 */
public final class ChildLedger {
    static final String FILE_NAME = "children";
    /** Lines appended before the first rewrite: more than a cold start of a few thousand programs needs. */
    static final int SLACK = 4096;
    /** How long a file that could not be written is left alone before a spawn tries it again: a second, in ticks. */
    static final long RETRY_TICKS = ProcStat.TICKS_PER_SECOND;
    /** The boot clock in {@code /proc/<pid>/stat}'s unit. */
    private static final long NANOS_PER_TICK = 1_000_000_000L / ProcStat.TICKS_PER_SECOND;
    /** The longest a spawn may take for its line to be believed (a minute, in ticks): a wider window is a broken line. */
    static final long MAX_SPAWN_TICKS = 6000;
    private static final int CLOCK_BOOTTIME = 7;
    private static final int SELF = (int) ProcessHandle.current().pid();
    private static final Pattern PROCESS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final Path file;
    private final String header;
    private final Consumer<String> warnings;
    private final Consumer<String> notices;
    private final int slack;
    private final long retryTicks;
    private final List<Entry> entries = new ArrayList<>();
    /** An earlier daemon's children that would not stop even after SIGKILL: kept until they are gone. */
    private final List<Entry> notStopped = new ArrayList<>();
    private Memory timespec; // allocated on the owner thread: JNA is still loading while the starting thread runs
    private boolean failed; // records nothing more: no file (tests), the boot clock cannot be read, or closed
    private boolean broken; // the file could not be written: the children are kept here, for a later spawn to write
    private long retryAt;   // the boot clock's tick from which a spawn tries a broken file again
    private boolean created;
    private boolean closing;
    private int fd = -1;
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

        /** A line as {@link #line} writes it; empty for anything else, so a damaged or edited file signals nothing it should not. */
        static Optional<Entry> parse(String line) {
            String[] fields = line.split(" ");
            if (fields.length != 8 || !PROCESS_NAME.matcher(fields[7]).matches()) {
                return Optional.empty();
            }
            try {
                Entry entry = new Entry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                        fields[7], Integer.parseInt(fields[3]), flag(fields[4]), flag(fields[5]), Integer.parseInt(fields[6]));
                // Never init, never this daemon; kill(-1) would reach every process the daemon may signal.
                boolean believable = entry.pid > 1 && entry.pid != SELF && 0 <= entry.firstTick && entry.firstTick <= entry.lastTick
                        && entry.lastTick - entry.firstTick <= MAX_SPAWN_TICKS && entry.stopSignal >= 1
                        && entry.stopSignal <= Signals.MAX && entry.stopTimeoutSeconds >= 0;
                return believable ? Optional.of(entry) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        private static boolean flag(String text) {
            if (!text.equals("0") && !text.equals("1")) {
                throw new NumberFormatException(text);
            }
            return text.equals("1");
        }

        /**
         * This child, still there and not a later process given its pid; empty when it is not.
         *
         * @throws IOException when /proc could not be read: it may be there
         */
        Optional<ProcStat> stat() throws IOException {
            return ProcStat.read(pid).filter(stat -> !stat.finished() && firstTick <= stat.startTicks() && stat.startTicks() <= lastTick);
        }

        /** Known to be there: what cannot be read is never signalled, as it might be another process. */
        boolean running() {
            try {
                return stat().isPresent();
            } catch (IOException e) {
                return false;
            }
        }

        /** Known to have ended: what cannot be read keeps its line. */
        boolean ended() {
            try {
                return stat().isEmpty();
            } catch (IOException e) {
                return false;
            }
        }
    }

    /**
     * What an earlier daemon's ledger says.
     *
     * @param sameBoot whether it was written since the machine last booted: if not, none of its children can be left
     * @param here     whether it was written on this boot in this daemon's time and pid namespaces: if not, its ticks and
     *                 pids mean nothing here, though its children may still run there
     */
    public record Previous(long daemonPid, boolean sameBoot, boolean here, List<Entry> entries) {
        public Previous {
            entries = List.copyOf(entries);
        }
    }

    private ChildLedger(Path file, String header, Consumer<String> warnings, Consumer<String> notices, int slack,
                        long retryTicks) {
        this.file = file;
        this.header = header;
        this.warnings = warnings;
        this.notices = notices;
        this.slack = slack;
        this.retryTicks = retryTicks;
        this.failed = file == null;
    }

    /** A ledger that records nothing, for supervisors that start no real daemon's children (tests). */
    public static ChildLedger none() {
        return new ChildLedger(null, "", message -> { }, message -> { }, SLACK, RETRY_TICKS);
    }

    /**
     * Starts this daemon's ledger in place of an earlier daemon's, once those children are dealt with.
     *
     * @param notStopped the earlier daemon's children still there after all (or that could not be looked at), kept for
     *                   the daemon after this one
     * @param warnings   told once when the ledger cannot be written, and the daemon goes on without it
     */
    public static ChildLedger begin(Path stateDir, List<Entry> notStopped, Consumer<String> warnings) {
        return begin(stateDir, notStopped, warnings, message -> { });
    }

    /** As above, with {@code notices} told when a ledger that could not be written is written again. */
    public static ChildLedger begin(Path stateDir, List<Entry> notStopped, Consumer<String> warnings, Consumer<String> notices) {
        return begin(stateDir, notStopped, warnings, notices, SLACK, RETRY_TICKS);
    }

    static ChildLedger begin(Path stateDir, List<Entry> notStopped, Consumer<String> warnings, Consumer<String> notices,
                             int slack, long retryTicks) {
        // On the starting thread, not at the first spawn: the owner's first spawn is on a cold start's critical path.
        String header = "# The children of Steward daemon " + SELF + ", one per line: pid, the boot clock's ticks before and"
                + " after its spawn, stop signal, stop as group, kill as group, stop timeout (s), process.\n"
                + "# If that daemon ends without stopping them, the next one on this state directory stops those still running.\n"
                + here() + " daemon " + SELF + "\n";
        ChildLedger ledger = new ChildLedger(stateDir.resolve(FILE_NAME), header, warnings, notices, slack, retryTicks);
        if (notStopped.isEmpty()) {
            try {
                Files.deleteIfExists(ledger.file);
            } catch (IOException e) {
                ledger.cannotWrite(e.toString(), 0);
            }
        } else {
            // Kept with a stop timeout of 0: they have had their stop signal, so the next daemon sends SIGKILL at once
            // rather than hold up every start by their whole stop timeout again.
            for (Entry entry : notStopped) {
                Entry again = new Entry(entry.pid(), entry.firstTick(), entry.lastTick(), entry.process(), entry.stopSignal(),
                        entry.stopAsGroup(), entry.killAsGroup(), 0);
                ledger.entries.add(again);
                ledger.notStopped.add(again);
            }
            ledger.rewrite(null, 0);
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
        boolean here = false;
        List<Entry> entries = new ArrayList<>();
        // As bytes, not UTF-8: a damaged byte then spoils its own line, which parse() refuses, not the whole file.
        String[] lines = Files.readString(file, StandardCharsets.ISO_8859_1).split("\n", -1);
        // The last piece is what follows the last newline: empty, or a line cut short by the daemon's death.
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.startsWith("boot ")) {
                int daemonAt = line.lastIndexOf(" daemon ");
                String where = here();
                here = daemonAt > 0 && line.substring(0, daemonAt).equals(where);
                sameBoot = line.split(" ")[1].equals(where.split(" ")[1]);
                String pid = daemonAt > 0 ? line.substring(daemonAt + " daemon ".length()) : "";
                daemon = pid.matches("[0-9]{1,9}") ? Long.parseLong(pid) : 0;
            } else if (!line.startsWith("#")) {
                Entry.parse(line).ifPresent(entries::add);
            }
        }
        return Optional.of(new Previous(daemon, sameBoot, here, entries));
    }

    /**
     * Moves an earlier daemon's ledger out of the way, keeping it for the operator: {@code children.<why>}.
     *
     * @param why {@code unreadable}, or {@code elsewhere} for one written in another namespace
     */
    public static Path setAside(Path stateDir, String why) throws IOException {
        Path aside = stateDir.resolve(FILE_NAME + "." + why);
        Files.move(stateDir.resolve(FILE_NAME), aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /**
     * Where pids and start times mean what they say: this boot (after a reboot nothing is left), and this daemon's time
     * namespace (which shifts the boot clock and the start times it reads) and pid namespace. A part that cannot be read
     * is "unknown", which never matches, so no child is then taken for a leftover.
     */
    static String here() {
        String boot;
        try {
            boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException | RuntimeException e) {
            boot = "";
        }
        return "boot " + (boot.isEmpty() ? "unknown-" + SELF : boot) + " timens " + namespace("time") + " pidns " + namespace("pid");
    }

    private static String namespace(String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/ns", kind)).toString().replace(' ', '_');
        } catch (IOException | RuntimeException e) {
            // Linux before 5.6 has no time namespaces: every process shares the one boot clock.
            return kind.equals("time") && !Files.exists(Path.of("/proc/self/ns/time")) ? "none" : "unknown-" + SELF;
        }
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
        long lastTick = ticks();
        if (failed) {
            return;
        }
        Entry entry = new Entry(pid, firstTick, lastTick, process, spec.stopSignal(), spec.stopAsGroup(), spec.killAsGroup(),
                spec.stopTimeoutSeconds());
        entries.add(entry);
        if (broken) {
            if (lastTick >= retryAt) {
                rewrite(entry, lastTick);
                if (!broken) {
                    notices.accept(file + " is written again: it lists every child this daemon runs, for the next daemon"
                            + " to stop should this one die without stopping them");
                }
            }
        } else if (!created) {
            create(entry, lastTick);
        } else if (entries.size() >= 2 * keptAtLastRewrite + slack) {
            rewrite(entry, lastTick);
        } else {
            append(entry.line(), lastTick);
        }
    }

    /**
     * Every child has stopped: nothing is left to stop, so the file goes; unless an earlier daemon's child that would
     * not stop is still there, which the file then keeps for the next daemon.
     */
    public void close() {
        closeFile();
        if (failed) {
            return;
        }
        failed = true; // records nothing more
        closing = true;
        entries.retainAll(notStopped);
        if (!entries.isEmpty()) {
            rewrite(null, 0);
            if (!entries.isEmpty()) {
                return;
            }
        }
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
        if (LibC.clock_gettime(CLOCK_BOOTTIME, timespec) != 0) {
            fail("cannot read the boot clock: " + LibC.strerror(Native.getLastError()));
            return 0;
        }
        return (timespec.getLong(0) * 1_000_000_000L + timespec.getLong(8)) / NANOS_PER_TICK;
    }

    /**
     * Makes the file with the first child's line, through libc: on a cold start's owner thread, NIO's file classes and a
     * lambda or two took 10 ms to load and link.
     */
    private void create(Entry first, long now) {
        fd = LibC.open(file.toString(), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_APPEND | LibC.O_CLOEXEC, 0644);
        if (fd < 0) {
            cannotWrite(LibC.strerror(Native.getLastError()), now);
            return;
        }
        created = true;
        keptAtLastRewrite = 1;
        append(header + first.line(), now);
    }

    private void append(String line, long now) {
        if (fd < 0) {
            fd = LibC.open(file.toString(), LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CLOEXEC, 0);
            if (fd < 0) {
                cannotWrite(LibC.strerror(Native.getLastError()), now);
                return;
            }
        }
        String failure = writeAll(line.getBytes(StandardCharsets.UTF_8));
        if (failure != null) {
            cannotWrite(failure, now);
        }
    }

    /**
     * Writes all of {@code bytes} to the file: null, or why it could not. A write that a disk filling up cuts short sets
     * no errno (the warning named whatever an earlier call had failed with), so the rest is written again, and that
     * write fails with the cause.
     */
    private String writeAll(byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            byte[] rest = done == 0 ? bytes : Arrays.copyOfRange(bytes, done, bytes.length);
            long written = LibC.write(fd, rest, rest.length);
            if (written < 0) {
                return LibC.strerror(Native.getLastError());
            }
            if (written == 0) {
                return "no byte written";
            }
            done += (int) written;
        }
        return null;
    }

    /**
     * Writes the lines of the children not known to have ended to a new file, renamed over the old one; the next
     * line is appended to that.
     *
     * @param newest a child just spawned, kept without a look at /proc; or null
     * @param now    the boot clock's tick, from which a failure is tried again after {@link #retryTicks}
     */
    private void rewrite(Entry newest, long now) {
        StringBuilder text = new StringBuilder(header);
        for (Iterator<Entry> each = entries.iterator(); each.hasNext(); ) {
            Entry entry = each.next();
            if (entry == newest || !entry.ended()) {
                text.append(entry.line());
            } else {
                each.remove();
            }
        }
        try {
            StateFiles.replace(file, text);
        } catch (IOException e) {
            cannotWrite(e.toString(), now);
            return;
        }
        closeFile(); // it names the file replaced
        broken = false;
        created = true;
        keptAtLastRewrite = entries.size();
    }

    private void closeFile() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }

    /** Stops recording after telling why: the programs run on, but a daemon killed now would leave them to the next. */
    private void fail(String reason) {
        closeFile();
        failed = true;
        warnings.accept("cannot write " + file + " (" + reason + "); children are supervised as before, but if this daemon"
                + " dies without stopping them, the next one cannot stop those it left running: fix the cause, then"
                + " restart the daemon");
    }

    /**
     * The file could not be written: said once, and the children kept in memory, for a spawn from {@code now} plus
     * {@link #retryTicks} on to write the whole file again.
     */
    private void cannotWrite(String reason, long now) {
        closeFile();
        retryAt = now + retryTicks;
        if (closing) {
            warnings.accept("cannot write " + file + " (" + reason + ") for the processes the previous daemon left that would"
                    + " not stop: the next daemon will not know of them; look for them with `ps -eo pid,pgid,lstart,args`");
            return;
        }
        if (!broken) {
            broken = true;
            warnings.accept("cannot write " + file + " (" + reason + "); children are supervised as before, but if this"
                    + " daemon dies without stopping them, the next one cannot stop those it left running: free the disk or"
                    + " fix the state directory's permissions, and the next start of a process writes the file again");
        }
    }
}
