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

    /** A pending timer. */
    interface Timer {
        void cancel();
    }
}
