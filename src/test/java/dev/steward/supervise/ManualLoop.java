package dev.steward.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * An {@link OwnerLoop} for tests: nothing runs on its own. {@link #runPending()} runs the posted tasks,
 * {@link #advance(Duration)} moves the fake clock and fires the timers that come due, in deadline order
 * (ties in scheduling order), each at its own deadline. No threads, no real time. The timers count in
 * {@link #nanoTime()}, which the wall clock follows unless {@link #stepClock(Duration)} steps it alone, as NTP does.
 */
final class ManualLoop implements OwnerLoop {
    private final FakeClock clock = new FakeClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final List<ManualTimer> timers = new ArrayList<>();
    private long scheduled;
    private long nanos;

    /** The loop's clock; moves only through {@link #advance(Duration)}. */
    Clock clock() {
        return clock;
    }

    Instant now() {
        return clock.instant();
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        ManualTimer timer = new ManualTimer(nanos + delay.toNanos(), scheduled++, task);
        timers.add(timer);
        return timer;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    /** Steps the wall clock alone, back or forth, as NTP or {@code date -s} does: the timers and nanoTime() go on. */
    void stepClock(Duration by) {
        clock.now = clock.now.plus(by);
    }

    /** Runs the posted tasks, including those they post, until none is left. */
    void runPending() {
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
        }
    }

    /** Moves time forward by {@code by}, firing each due timer at its deadline; runs posted tasks too. */
    void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        long target = nanos + by.toNanos();
        runPending();
        while (true) {
            Optional<ManualTimer> next = timers.stream()
                    .filter(t -> t.deadline <= target)
                    .min(Comparator.comparingLong((ManualTimer t) -> t.deadline).thenComparingLong(t -> t.sequence));
            if (next.isEmpty()) {
                break;
            }
            ManualTimer timer = next.get();
            timers.remove(timer);
            moveTo(timer.deadline);
            timer.task.run();
            runPending();
        }
        moveTo(target);
    }

    private void moveTo(long deadline) {
        clock.set(clock.now.plusNanos(deadline - nanos));
        nanos = deadline;
    }

    void advanceSeconds(long seconds) {
        advance(Duration.ofSeconds(seconds));
    }

    void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    /** Timers scheduled and neither fired nor cancelled. */
    int pendingTimers() {
        return timers.size();
    }

    /** Posted tasks not run yet. */
    int pendingTasks() {
        return queue.size();
    }

    private final class ManualTimer implements Timer {
        final long deadline;
        final long sequence;
        final Runnable task;

        ManualTimer(long deadline, long sequence, Runnable task) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public void cancel() {
            timers.remove(this);
        }
    }

    /** A clock that stands still until told to move. */
    static final class FakeClock extends Clock {
        private Instant now;
        private final ZoneId zone;

        FakeClock(Instant start) {
            this(start, ZoneOffset.UTC);
        }

        private FakeClock(Instant start, ZoneId zone) {
            this.now = start;
            this.zone = zone;
        }

        void set(Instant instant) {
            if (instant.isBefore(now)) {
                throw new IllegalArgumentException("time does not go back: " + instant + " < " + now);
            }
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return new FakeClock(now, newZone);
        }
    }
}
