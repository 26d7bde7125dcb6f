package dev.steward.supervise;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;

/** The owner loop on one Vert.x event-loop context: ordered tasks and timers, never blocking. */
public final class VertxOwnerLoop implements OwnerLoop {
    private final Vertx vertx;
    private final Context context;

    public VertxOwnerLoop(Vertx vertx) {
        this.vertx = vertx;
        // Created from a non-Vert.x thread, this is a fresh event-loop context of our own.
        this.context = vertx.getOrCreateContext();
    }

    @Override
    public void execute(Runnable task) {
        context.runOnContext(ignored -> task.run());
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> task.run());
        return () -> vertx.cancelTimer(id);
    }
}
