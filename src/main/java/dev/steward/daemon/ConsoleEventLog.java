package dev.steward.daemon;

import dev.steward.events.Event;
import dev.steward.events.EventRecord;
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
        Console.batched(level(event), event.toString(), owner);
    }

    /**
     * {@code WARN } for what the history calls a Warning (an unexpected exit, a SIGKILL after the stop timeout, BACKOFF,
     * FATAL, an invalid manifest), so that the log and {@code get events} agree; {@code INFO } for the rest.
     */
    static String level(Event event) {
        return EventRecord.warning(event) ? "WARN " : "INFO ";
    }
}
