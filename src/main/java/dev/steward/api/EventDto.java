package dev.steward.api;

import dev.steward.events.EventRecord;
import java.time.Instant;

/** One aggregated event (docs/api.md, "Event"). */
public record EventDto(long id, String type, String reason, String object, String message, int count,
                       Instant firstTimestamp, Instant lastTimestamp) {

    static EventDto of(EventRecord record) {
        return new EventDto(record.id(), record.type(), record.reason(), record.object(), record.message(),
                record.count(), record.firstTimestamp(), record.lastTimestamp());
    }
}
