package dev.steward.daemon;

import dev.steward.events.Event;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Writes each event as one plain line on the daemon's stdout: {@code web-0: RUNNING (pid 1234)}. Events
 * come from the supervision owner; their lines are written together when its task ends.
 */
final class ConsoleEventLog implements Consumer<Event> {
    private final Executor owner;

    /** @param owner the supervision owner loop, which runs the flush after the task that made the lines */
    ConsoleEventLog(Executor owner) {
        this.owner = owner;
    }

    @Override
    public void accept(Event event) {
        boolean warning = event instanceof Event.ManifestInvalid
                || (event instanceof Event.ProcessStateChanged changed && switch (changed.change().to()) {
                    case BACKOFF, FATAL, UNKNOWN -> true;
                    case EXITED -> changed.change().backingOff();
                    default -> false;
                });
        Console.batched(warning ? "WARN " : "INFO ", event.toString(), owner);
    }
}
