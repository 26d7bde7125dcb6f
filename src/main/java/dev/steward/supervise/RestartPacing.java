package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import java.time.Duration;

/**
 * How long an automatic restart waits after an exit: supervisord's pace of at most one restart a second, and the crash
 * loop waits of {@code spec.restartBackoff} when the program asks for them. Counts the restarts in a row that those
 * waits grow with. One per {@link ProcessSlot}, on its owner thread.
 */
final class RestartPacing {
    /**
     * Automatic restarts of one process are at least this far apart: a program that exits at once under
     * {@code startSeconds: 0} (nothing to back off from) would otherwise be respawned hundreds of times a
     * second. supervisord 4.2.5 respawns it the next time its loop turns: once a second (its poll timeout) when nothing
     * else happens, sooner at each output of another program; a process that ran longer restarts at once.
     */
    static final Duration MIN_RESTART_INTERVAL = Duration.ofSeconds(1);

    /** Automatic restarts since the last start by request or long run: the crash loop {@code restartBackoff} paces. */
    private int restartsInARow;

    /**
     * The wait of one automatic restart after its exit.
     *
     * @param length     zero to restart at once
     * @param backingOff true when {@code restartBackoff} set it, false when the one-a-second pace did (or nothing waits)
     * @param inARow     which restart in a row this is
     */
    record Wait(Duration length, boolean backingOff, int inARow) {
    }

    /** Someone asked for this start: the crash loop before it is not held against it. */
    void startedByRequest() {
        restartsInARow = 0;
    }

    /** An exit, after a run of {@code run}, that its spec restarts: counts it, and says how long its restart waits. */
    Wait exited(ProgramSpec spec, Duration run) {
        restartsInARow = startsAfresh(spec, run) ? 1 : restartsInARow + 1;
        return waitAfter(spec, run);
    }

    /**
     * The wait of the restart of the last exit, counted already by {@link #exited}, under a changed spec: as if that
     * exit had come under it.
     */
    Wait reconsidered(ProgramSpec spec, Duration run) {
        if (startsAfresh(spec, run)) {
            restartsInARow = 1; // as exited() counts under this spec
        }
        return waitAfter(spec, run);
    }

    private Wait waitAfter(ProgramSpec spec, Duration run) {
        Duration delay = spec.restartBackoff().map(backoff -> backoff.delay(restartsInARow)).orElse(Duration.ZERO);
        Duration soonest = MIN_RESTART_INTERVAL.minus(run);
        if (!delay.isZero() && delay.compareTo(soonest) >= 0) {
            return new Wait(delay, true, restartsInARow);
        }
        return new Wait(soonest.isNegative() ? Duration.ZERO : soonest, false, restartsInARow);
    }

    /**
     * Whether an exit after a run of {@code run} is the first restart in a row: always without restartBackoff (one added
     * to a program in a crash loop then starts at its first wait, not at a count nobody kept), else after a run of its
     * {@code resetSeconds}.
     */
    private static boolean startsAfresh(ProgramSpec spec, Duration run) {
        return spec.restartBackoff().map(backoff -> backoff.resets(run)).orElse(true);
    }
}
