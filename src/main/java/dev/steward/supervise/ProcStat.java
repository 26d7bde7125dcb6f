package dev.steward.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says of a process that tells it from a later one given the same pid: its
 * start time (clock ticks since boot), with its state.
 */
record ProcStat(int pid, char state, long startTicks) {

    /** The fields counted from the state (field 3) to the start time (field 22). */
    private static final int START_TIME_FROM_STATE = 19;

    /** Gone, or only a zombie waiting to be reaped: nothing left to stop. */
    boolean finished() {
        return state == 'Z' || state == 'X';
    }

    /** The process's stat, or empty when it is gone or unreadable. */
    static Optional<ProcStat> read(int pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            return parse(pid, new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "stat")), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses "pid (comm) state ppid ... starttime ..."; empty when the text is not that. */
    static Optional<ProcStat> parse(int pid, String stat) {
        // comm may hold spaces and parentheses, so fields count from the last ')'.
        int at = stat.lastIndexOf(')') + 2;
        if (at < 2 || at >= stat.length()) {
            return Optional.empty();
        }
        String[] fields = stat.substring(at).split(" ");
        if (fields.length <= START_TIME_FROM_STATE || fields[0].length() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[START_TIME_FROM_STATE])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
