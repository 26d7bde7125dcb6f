package dev.steward.health;

import dev.steward.supervise.ProcStat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/** CPU time and resident memory of a process, read from Linux's {@code /proc/<pid>/stat} and {@code statm}. */
final class ProcStats {
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
        return stat(pid).map(parsed -> OptionalDouble.of(parsed.cpuTicks() / (double) ProcStat.TICKS_PER_SECOND))
                .orElse(OptionalDouble.empty());
    }

    /**
     * The stat of {@code pid}; empty when it is gone or unreadable. Read as Latin-1, which takes any bytes: a command
     * name need not be UTF-8.
     */
    Optional<ProcStat> stat(int pid) {
        String stat = read(pid, "stat");
        return stat == null ? Optional.empty() : ProcStat.parse(pid, stat);
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

    /** The file as Latin-1, which decodes any bytes (UTF-8 would refuse a command name that is not UTF-8). */
    private String read(int pid, String file) {
        if (pid <= 0) {
            return null;
        }
        try {
            return Files.readString(proc.resolve(Integer.toString(pid)).resolve(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null; // exited between the snapshot and the scrape, or not Linux
        }
    }
}
