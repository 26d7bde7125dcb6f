package dev.steward.events;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A bounded history of what happened, aggregated as kubectl does: the same reason on the same object
 * with the same message (numbers aside, so pids and counts do not defeat it: "RUNNING (pid 1)"
 * repeats "RUNNING (pid 2)") within the recent
 * records is counted, not repeated. Written by the owner, read by request threads: one small lock.
 */
public final class EventHistory {
    public static final int CAPACITY = 1000;
    private static final int AGGREGATION_WINDOW = 50;

    private final Clock clock;
    private final Deque<EventRecord> records = new ArrayDeque<>();
    private final List<Consumer<EventRecord>> listeners = new CopyOnWriteArrayList<>();
    private long sequence;

    public EventHistory(Clock clock) {
        this.clock = clock;
    }

    /** Records an event that happened at {@code at} (the supervisor hands events over a little after). */
    public void accept(Event event, Instant at) {
        EventRecord.Kind.of(event).forEach(kind -> record(kind.type(), kind.reason(), kind.object(), kind.message(), at));
    }

    /** Adds an occurrence now, aggregating it with a recent identical one. */
    public void record(String type, String reason, String object, String message) {
        record(type, reason, object, message, clock.instant());
    }

    private void record(String type, String reason, String object, String message, Instant now) {
        EventRecord updated;
        synchronized (this) {
            EventRecord same = findRecent(type, reason, object, message);
            sequence++;
            if (same != null) {
                records.remove(same);
                updated = new EventRecord(sequence, type, reason, object, message, same.count() + 1, same.firstTimestamp(), now);
            } else {
                updated = new EventRecord(sequence, type, reason, object, message, 1, now, now);
                if (records.size() == CAPACITY) {
                    records.removeFirst();
                }
            }
            records.addLast(updated);
        }
        listeners.forEach(listener -> listener.accept(updated));
    }

    private EventRecord findRecent(String type, String reason, String object, String message) {
        int looked = 0;
        for (var it = records.descendingIterator(); it.hasNext() && looked < AGGREGATION_WINDOW; looked++) {
            EventRecord candidate = it.next();
            if (candidate.object().equals(object) && candidate.reason().equals(reason)
                    && candidate.type().equals(type) && sameShape(candidate.message(), message)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Whether two messages are equal once every run of ASCII digits is taken as one and the same
     * token. Compared in place: a regex per candidate was most of the cost of recording an event.
     */
    static boolean sameShape(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            if (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
                while (i < a.length() && isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && isDigit(b.charAt(j))) {
                    j++;
                }
            } else if (a.charAt(i++) != b.charAt(j++)) {
                return false;
            }
        }
        return i == a.length() && j == b.length();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Oldest first. */
    public synchronized List<EventRecord> all() {
        return List.copyOf(records);
    }

    /** Calls {@code listener} (on the recording thread; keep it quick) for each new or updated record. */
    public AutoCloseable subscribe(Consumer<EventRecord> listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    /** Records about one object, oldest first. */
    public synchronized List<EventRecord> about(String object) {
        List<EventRecord> found = new ArrayList<>();
        records.forEach(r -> {
            if (r.object().equals(object)) {
                found.add(r);
            }
        });
        return found;
    }
}
