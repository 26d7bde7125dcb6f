package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long start, stop and restart wait: the operator's {@code --timeout}, or, when none was given, as long as the
 * processes' own settings need (startSeconds to count as started, stopTimeoutSeconds before SIGKILL, and
 * {@link #SPARE} on top), never less than {@link #FLOOR} nor more than {@link #CAP}. supervisorctl's start and stop
 * wait out startsecs and stopwaitsecs however long; a script moved from it must not fail only because a process is
 * slow by design.
 *
 * @param given the operator's timeout; empty for one derived from the processes
 */
public record ActionTimeout(Optional<Duration> given) {
    public static final Duration FLOOR = Duration.ofSeconds(30);
    /** Bounds a derived wait: a client waits this long on top of its request timeout for an action that gives none. */
    public static final Duration CAP = Duration.ofHours(1);
    /** Room for the spawn, the SIGKILL's effect and the exit's report, beyond the process's own time. */
    public static final int SPARE_SECONDS = 10;
    static final Duration SPARE = Duration.ofSeconds(SPARE_SECONDS);

    public static ActionTimeout of(Duration given) {
        return new ActionTimeout(Optional.of(given));
    }

    /** The wait the processes' own settings need. */
    public static ActionTimeout fromSettings() {
        return new ActionTimeout(Optional.empty());
    }

    Duration forStart(ProgramSpec spec) {
        return given.orElseGet(() -> within(Duration.ofSeconds(spec.startSeconds()).plus(SPARE)));
    }

    Duration forStop(ProgramSpec spec) {
        return given.orElseGet(() -> within(Duration.ofSeconds(spec.stopTimeoutSeconds()).plus(SPARE)));
    }

    /**
     * The whole restart's: each program's processes restart one after another, the programs side by side, so the
     * program whose processes' stops and starts add up to the most sets it.
     */
    Duration forRestart(List<List<ProgramSpec>> byProgram) {
        if (given.isPresent()) {
            return given.get();
        }
        Duration longest = Duration.ZERO;
        for (List<ProgramSpec> processes : byProgram) {
            Duration sum = Duration.ZERO;
            for (ProgramSpec spec : processes) {
                sum = sum.plusSeconds((long) spec.stopTimeoutSeconds() + spec.startSeconds()).plus(SPARE);
            }
            longest = sum.compareTo(longest) > 0 ? sum : longest;
        }
        return within(longest);
    }

    private static Duration within(Duration wanted) {
        return wanted.compareTo(FLOOR) < 0 ? FLOOR : wanted.compareTo(CAP) > 0 ? CAP : wanted;
    }
}
