package dev.steward.supervise;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The owner loop on a thread of its own ({@code steward-owner}): ordered tasks and timers. It does
 * not depend on Quarkus or Vert.x, so {@code steward serve} starts supervising before the HTTP side
 * has booted. A task that throws is logged and the loop goes on: one bug must not stop supervision.
 */
public final class ThreadOwnerLoop implements OwnerLoop {
    private final ScheduledThreadPoolExecutor executor;

    public ThreadOwnerLoop() {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "steward-owner");
            thread.setDaemon(true);
            return thread;
        });
        // Cancelled timers (a start that succeeded, a stop that finished) leave the queue at once.
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(() -> runLogged(task));
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime(); // the executor's own time base
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            // Looked up here, not at start-up: the first lookup sets up the log manager, which takes a while.
            Logger.getLogger("steward").log(Level.SEVERE, "internal error on the supervision thread (please report it): " + e, e);
        }
    }
}
