package dev.steward.supervise;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says of a process: what tells it from a later one given the same pid (its start time,
 * in clock ticks since boot), its state and process group, and the CPU it has used. The one reading of that file, for
 * the leftover children, the metrics and {@code top} alike.
 *
 * @param cpuTicks       user plus system CPU time, in clock ticks
 * @param reapedCpuTicks the same of its children that have ended and that it has waited for
 * @param rssPages       resident set size, in pages
 */
public record ProcStat(int pid, char state, int group, long cpuTicks, long reapedCpuTicks, long startTicks,
                       long rssPages) {
    /**
     * USER_HZ, the unit of the file's times. The kernel ABI fixes it at 100 on every architecture Steward runs on
     * (x86-64, arm64) whatever the kernel's internal HZ, so it is not worth a native {@code sysconf(_SC_CLK_TCK)} call.
     */
    public static final int TICKS_PER_SECOND = 100;

    /**
     * Fields counted from the state (field 3): the process group is field 5, CPU times 14 and 15 (16 and 17 for the
     * children waited for), the start time 22, the resident set size 24.
     */
    private static final int GROUP_FROM_STATE = 2;
    private static final int USER_TIME_FROM_STATE = 11;
    private static final int SYSTEM_TIME_FROM_STATE = 12;
    private static final int REAPED_USER_TIME_FROM_STATE = 13;
    private static final int REAPED_SYSTEM_TIME_FROM_STATE = 14;
    private static final int START_TIME_FROM_STATE = 19;
    private static final int RSS_FROM_STATE = 21;

    /** Only a zombie waiting to be reaped: nothing left to stop. */
    boolean finished() {
        return state == 'Z' || state == 'X';
    }

    /**
     * The process's stat; empty when there is no such process.
     *
     * @throws IOException when it could not be opened (out of descriptors): the process may well be there
     */
    static Optional<ProcStat> read(int pid) throws IOException {
        if (pid <= 0) {
            return Optional.empty();
        }
        SeekableByteChannel channel;
        try {
            channel = Files.newByteChannel(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try (channel) {
            ByteBuffer stat = ByteBuffer.allocate(1024);
            while (stat.hasRemaining() && channel.read(stat) > 0) {
                // a stat line is a few hundred bytes, read in one go
            }
            return parse(pid, new String(stat.array(), 0, stat.position(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return Optional.empty(); // opened, then unreadable: it ended in between (ESRCH)
        }
    }

    /**
     * Whether {@code pid} is a live process (not a zombie) of process group {@code group}.
     *
     * @throws IOException when its stat could not be opened: it may well be one
     */
    static boolean liveIn(int pid, int group) throws IOException {
        return read(pid).filter(stat -> !stat.finished() && stat.group() == group).isPresent();
    }

    /**
     * A live process (not a zombie) of each process group that has one, by the group's id: one pass over {@code /proc}.
     *
     * @throws IOException when {@code /proc}, or a process's stat, cannot be read
     */
    static Map<Integer, Integer> liveMembersByGroup() throws IOException {
        Map<Integer, Integer> members = new HashMap<>();
        for (int pid : pids(Path.of("/proc"))) {
            Optional<ProcStat> stat = read(pid);
            if (stat.isPresent() && !stat.get().finished()) {
                members.putIfAbsent(stat.get().group(), stat.get().pid());
            }
        }
        return members;
    }

    /**
     * The pids {@code proc} lists: one pass over it, for those who look at every process.
     *
     * @throws IOException when {@code proc} cannot be listed
     */
    public static List<Integer> pids(Path proc) throws IOException {
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
            for (Path entry : entries) {
                pidOf(entry.getFileName().toString()).ifPresent(pids::add);
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return pids;
    }

    /** The pid that a name in {@code /proc} stands for; empty for its other entries ({@code self}, {@code meminfo}). */
    private static Optional<Integer> pidOf(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return Optional.empty();
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        return Optional.of(Integer.parseInt(name));
    }

    /** Parses "pid (comm) state ppid pgrp ... utime stime ... starttime ..."; empty when the text is not that. */
    public static Optional<ProcStat> parse(int pid, String stat) {
        // comm may hold spaces and parentheses, so fields count from the last ')'.
        int at = stat.lastIndexOf(')') + 2;
        if (at < 2 || at >= stat.length()) {
            return Optional.empty();
        }
        String[] fields = stat.substring(at).trim().split(" ");
        if (fields.length <= RSS_FROM_STATE || fields[0].length() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(pid, fields[0].charAt(0), Integer.parseInt(fields[GROUP_FROM_STATE]),
                    Long.parseLong(fields[USER_TIME_FROM_STATE]) + Long.parseLong(fields[SYSTEM_TIME_FROM_STATE]),
                    Long.parseLong(fields[REAPED_USER_TIME_FROM_STATE]) + Long.parseLong(fields[REAPED_SYSTEM_TIME_FROM_STATE]),
                    Long.parseLong(fields[START_TIME_FROM_STATE]), Long.parseLong(fields[RSS_FROM_STATE])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
