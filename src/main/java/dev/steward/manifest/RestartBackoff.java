package dev.steward.manifest;

import java.time.Duration;

/**
 * Kubernetes' CrashLoopBackOff for the automatic restarts of a process that ran and exited ({@code spec.restartBackoff}):
 * the first restart in a row is at once, each later one waits twice as long as the one before, from
 * {@code initialSeconds} up to {@code maxSeconds}; a run of at least {@code resetSeconds} starts the count afresh.
 *
 * @param initialSeconds the wait before the second restart in a row
 * @param maxSeconds     the longest wait
 * @param resetSeconds   a run at least this long forgets the restarts before it
 */
public record RestartBackoff(int initialSeconds, int maxSeconds, int resetSeconds) {

    /** Kubernetes' own: 10 s, 20 s, 40 s ... 300 s, forgotten after ten minutes up. */
    public static final RestartBackoff DEFAULTS = new RestartBackoff(10, 300, 600);

    /** How long the {@code restart}-th automatic restart in a row (counted from 1) waits after the exit. */
    public Duration delay(int restart) {
        if (restart <= 1) {
            return Duration.ZERO;
        }
        // A shift of 31 already passes any int maxSeconds, and cannot overflow a long.
        long seconds = (long) initialSeconds << Math.min(restart - 2, 31);
        return Duration.ofSeconds(Math.min(seconds, maxSeconds));
    }

    /** Whether a run of this length forgets the restarts before it. */
    public boolean resets(Duration run) {
        return run.compareTo(Duration.ofSeconds(resetSeconds)) >= 0;
    }
}
