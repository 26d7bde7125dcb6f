package dev.steward.supervise;

import java.time.Instant;
import java.util.Optional;

/** What one process looks like right now; immutable, published by the owner for readers. */
public record ProcessView(String name, String program, int index, ProcessState state, int pid,
                          Optional<Instant> startedAt, int restarts, Optional<ProcessSlot.LastExit> lastExit,
                          Optional<String> spawnError) {

    static ProcessView of(ProcessSlot slot) {
        return new ProcessView(slot.name(), slot.spec().name(), slot.index(), slot.state(), slot.pid(),
                slot.startedAt(), slot.restarts(), slot.lastExit(), slot.spawnError());
    }
}
