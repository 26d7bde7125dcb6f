package dev.steward.daemon;

import dev.steward.events.Event;
import java.util.function.Consumer;

/** Writes each event as one plain line on the daemon's stdout: {@code web-0: RUNNING (pid 1234)}. */
final class ConsoleEventLog implements Consumer<Event> {
    @Override
    public void accept(Event event) {
        boolean warning = event instanceof Event.ManifestInvalid
                || (event instanceof Event.ProcessStateChanged changed && switch (changed.change().to()) {
                    case BACKOFF, FATAL, UNKNOWN -> true;
                    default -> false;
                });
        if (warning) {
            Console.warn(event.toString());
        } else {
            Console.info(event.toString());
        }
    }
}
