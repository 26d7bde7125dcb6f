package dev.steward.supervise;

import java.time.Duration;

/**
 * The single thread that owns all supervision state. Everything else posts work to it; timers fire
 * on it. Injected so tests can run the state machine one step at a time on a fake clock.
 */
public interface OwnerLoop {
    /** Runs {@code task} on the owner thread, after the work already posted. */
    void execute(Runnable task);

    /** Runs {@code task} on the owner thread after {@code delay}; only called from the owner thread. */
    Timer schedule(Duration delay, Runnable task);

    /**
     * The time the timers count in, in nanoseconds from an arbitrary origin: unlike the wall clock, it is never stepped
     * (by NTP, {@code date -s}), so how long something lasted is measured with it.
     */
    long nanoTime();

    /** A pending timer. */
    interface Timer {
        void cancel();
    }
}
