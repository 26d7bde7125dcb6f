package dev.steward.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/** CPU time and resident memory of a process, read from Linux's {@code /proc/<pid>/stat} and {@code statm}. */
final class ProcStats {
    /**
     * USER_HZ, the unit of utime and stime in {@code /proc/<pid>/stat}. The kernel ABI fixes it at 100 on
     * every architecture Steward runs on (x86-64, arm64) whatever the kernel's internal HZ, so it is not
     * worth a native {@code sysconf(_SC_CLK_TCK)} call.
     */
    static final double CLOCK_TICKS_PER_SECOND = 100;
    /**
     * The unit of {@code /proc/<pid>/statm}. 4 KiB on x86-64 and on the usual arm64 kernels; an arm64 kernel
     * built with 16 or 64 KiB pages would make RSS read low by that factor (then read VmRSS from
     * {@code /proc/<pid>/status} instead).
     */
    static final long PAGE_SIZE = 4096;

    private final Path proc;

    ProcStats() {
        this(Path.of("/proc"));
    }

    ProcStats(Path proc) {
        this.proc = proc;
    }

    /** User plus system CPU seconds of {@code pid}; empty when it is gone or unreadable. */
    OptionalDouble cpuSeconds(int pid) {
        String stat = read(pid, "stat");
        if (stat == null) {
            return OptionalDouble.empty();
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return OptionalDouble.empty();
        }
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        if (fields.length < 13) {
            return OptionalDouble.empty();
        }
        try {
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalDouble.of(ticks / CLOCK_TICKS_PER_SECOND);
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    /** Resident set size of {@code pid} in bytes; empty when it is gone or unreadable. */
    OptionalDouble residentBytes(int pid) {
        String statm = read(pid, "statm");
        if (statm == null) {
            return OptionalDouble.empty();
        }
        String[] fields = statm.trim().split("\\s+");
        if (fields.length < 2) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Long.parseLong(fields[1]) * (double) PAGE_SIZE);
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private String read(int pid, String file) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readString(proc.resolve(Integer.toString(pid)).resolve(file));
        } catch (IOException | RuntimeException e) {
            return null; // exited between the snapshot and the scrape, or not Linux
        }
    }
}
