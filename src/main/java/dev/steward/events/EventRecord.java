package dev.steward.events;

import java.time.Instant;

/**
 * One line of the event history, as kubectl shows events: repeats of the same thing on the same
 * object are aggregated into one record with a count.
 *
 * @param type    Normal or Warning
 * @param reason  short CamelCase cause: Started, Running, BackOff, Fatal, Exited, Killing, Stopped,
 *                Added, Changed, Removed, InvalidManifest, ManifestFixed, OperatorStop, ...
 * @param object  {@code process/web-0}, {@code program/web} or {@code manifest/web.yaml}
 * @param message the latest message
 * @param count   how many times it happened
 * @param id      increasing sequence number of the latest occurrence (for streams)
 */
public record EventRecord(long id, String type, String reason, String object, String message, int count,
                          Instant firstTimestamp, Instant lastTimestamp) {
}
