package dev.steward.logs;

import java.util.Optional;

/**
 * Where the latest two runs of a process begin in its stream, so that {@code logs --previous} shows
 * what the run before this one wrote: a crash's last words.
 *
 * <p>A run's output starts where its own first write lands, not where it was spawned: a crashed
 * run's last chunk may reach the pipe reader after the next run has been spawned, and it belongs to
 * the crashed one. Runs are numbered from 1 by {@link #begin()} (the owner, at spawn);
 * {@link #wrote} is called by the pipe reader before each write, with the ring position it lands at.
 */
final class Runs {

    /**
     * The previous run's output, as ring positions.
     *
     * @param start where its first byte is, or -1 when it wrote nothing
     * @param end   where the latest run's output starts, or -1 while that run has written nothing (the previous
     *              run's output then goes up to whatever has been written)
     */
    record Previous(long start, long end) {
    }

    private long latest;            // 0: no run begun yet
    private long latestStart = -1;  // -1: the latest run has written nothing yet
    private long previousStart = -1;
    private long previousEnd = -1;
    private long undoPreviousStart = -1; // the previous run's bounds before begin(), for abandon()
    private long undoPreviousEnd = -1;

    /** A new run begins: the latest one becomes the previous one. Returns the new run's number. */
    synchronized long begin() {
        undoPreviousStart = previousStart;
        undoPreviousEnd = previousEnd;
        previousStart = latestStart;
        previousEnd = -1;
        latestStart = -1;
        return ++latest;
    }

    /** The run just begun never started (its spawn failed): the one before is the latest again. */
    synchronized void abandon() {
        if (latest == 0 || latestStart >= 0) {
            return; // nothing begun, or it wrote: it did run
        }
        latestStart = previousStart;
        previousStart = undoPreviousStart;
        previousEnd = undoPreviousEnd;
        latest--;
    }

    /** Run {@code run} writes at ring position {@code position}. */
    synchronized void wrote(long run, long position) {
        if (run == latest && latestStart < 0) {
            latestStart = position;
            if (latest > 1) {
                previousEnd = position;
            }
        } else if (run == latest - 1 && previousStart < 0) {
            previousStart = position; // its first output came after the next run was spawned
        }
    }

    /** The run before the latest, empty when there has been at most one. */
    synchronized Optional<Previous> previous() {
        return latest > 1 ? Optional.of(new Previous(previousStart, previousEnd)) : Optional.empty();
    }
}
