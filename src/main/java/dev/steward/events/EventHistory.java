package dev.steward.events;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A bounded history of what happened, aggregated as kubectl does: the same reason on the same object
 * with the same message as a record still held is counted in that record, not repeated, however many
 * records came between (forty processes in a crash loop put eighty between two of one's). On a process, numbers aside,
 * so that pids and counts do not defeat it ("RUNNING (pid 1)" repeats "RUNNING (pid 2)"); on a program or
 * a manifest the numbers are what the message says ("scaled 1 -> 3" is not "scaled 3 -> 1"). Written by the owner, read by request threads: one small lock.
 *
 * <p>The bound follows the number of programs and processes the daemon supervises ({@link #boundBy}), so that
 * one action on every process of a large daemon (a {@code stop all} makes three records per process: the
 * request, Stopping, Stopped) does not push out the request itself and every process's earlier records:
 * {@link #RECORDS_PER_OBJECT} records per object, at least {@link #MIN_CAPACITY} and at most
 * {@link #MAX_CAPACITY} in all (a few MiB), oldest dropped first. It is not counted from the records held:
 * dropping an object's last record would lower that bound, and drop more, all at once. Nor does it go down when objects
 * go: removing 600 programs (a checkout that takes their directory away) made some 1,800 records (Removed, Stopping,
 * Stopped), and the bound for the two objects left then dropped most of them, so that what was removed could no longer
 * be seen. It is the highest the bound has been, which the ceiling keeps small.
 */
public final class EventHistory {
    public static final int MIN_CAPACITY = 1000;
    public static final int RECORDS_PER_OBJECT = 10;
    public static final int MAX_CAPACITY = 20_000;

    private final Clock clock;
    /** The records by id, oldest first. */
    private final LinkedHashMap<Long, EventRecord> records = new LinkedHashMap<>();
    /** The one record held for each {@link #key}: what a repeat is counted in. */
    private final Map<String, EventRecord> byKey = new HashMap<>();
    private volatile IntSupplier objects = () -> 0;
    private int capacity = MIN_CAPACITY; // the highest bound so far; guarded by this
    private final List<Consumer<EventRecord>> listeners = new CopyOnWriteArrayList<>();
    private long sequence;

    public EventHistory(Clock clock) {
        this.clock = clock;
    }

    /** Bounds the history by {@code objects}: how many programs and processes are supervised now. */
    public void boundBy(IntSupplier objects) {
        this.objects = Objects.requireNonNull(objects);
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
            String key = key(type, reason, object, message);
            EventRecord same = byKey.get(key);
            sequence++;
            if (same != null) {
                records.remove(same.id());
                updated = new EventRecord(sequence, type, reason, object, message, same.count() + 1, same.firstTimestamp(), now);
            } else {
                updated = new EventRecord(sequence, type, reason, object, message, 1, now, now);
            }
            records.put(updated.id(), updated);
            byKey.put(key, updated);
            int capacity = capacity();
            for (Iterator<EventRecord> oldest = records.values().iterator(); records.size() > capacity; ) {
                EventRecord dropped = oldest.next();
                oldest.remove();
                byKey.remove(key(dropped.type(), dropped.reason(), dropped.object(), dropped.message()));
            }
        }
        listeners.forEach(listener -> listener.accept(updated));
    }

    /** How many records the history keeps now: the bound for the most objects supervised at once so far. */
    public synchronized int capacity() {
        long wanted = (long) RECORDS_PER_OBJECT * objects.getAsInt();
        capacity = (int) Math.max(capacity, Math.min(MAX_CAPACITY, wanted));
        return capacity;
    }

    /**
     * What makes two records one: type, reason, object and message; on a process, the message's numbers aside
     * ({@link #shape}), so that pids and counts do not defeat it.
     */
    private static String key(String type, String reason, String object, String message) {
        return type + '\n' + reason + '\n' + object + '\n' + (object.startsWith("process/") ? shape(message) : message);
    }

    /** The message with each run of ASCII digits replaced by one NUL character (a message holds none). */
    static String shape(String message) {
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (!isDigit(c)) {
                out.append(c);
            } else if (i == 0 || !isDigit(message.charAt(i - 1))) {
                out.append((char) 0);
            }
        }
        return out.toString();
    }

    /** Whether two messages are equal once every run of ASCII digits is taken as one and the same token. */
    static boolean sameShape(String a, String b) {
        return shape(a).equals(shape(b));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Oldest first. */
    public synchronized List<EventRecord> all() {
        return List.copyOf(records.values());
    }

    /** Calls {@code listener} (on the recording thread; keep it quick) for each new or updated record. */
    public AutoCloseable subscribe(Consumer<EventRecord> listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    /** Records about one object, oldest first. */
    public synchronized List<EventRecord> about(String object) {
        List<EventRecord> found = new ArrayList<>();
        for (EventRecord r : records.values()) {
            if (r.object().equals(object)) {
                found.add(r);
            }
        }
        return found;
    }
}
