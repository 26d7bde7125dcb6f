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
import java.util.function.IntSupplier;

/**
 * A bounded history of what happened, aggregated as kubectl does: the same reason on the same object
 * with the same message within the recent records is counted, not repeated. On a process, numbers aside,
 * so that pids and counts do not defeat it ("RUNNING (pid 1)" repeats "RUNNING (pid 2)"); on a program or
 * a manifest the numbers are what the message says ("scaled 1 -> 3" is not "scaled 3 -> 1"). Written by the owner, read by request threads: one small lock.
 *
 * <p>The bound follows the number of programs and processes the daemon supervises ({@link #boundBy}), so that
 * one action on every process of a large daemon (a {@code stop all} makes three records per process: the
 * request, Stopping, Stopped) does not push out the request itself and every process's earlier records:
 * {@link #RECORDS_PER_OBJECT} records per object, at least {@link #MIN_CAPACITY} and at most
 * {@link #MAX_CAPACITY} in all (a few MiB), oldest dropped first. It is not counted from the records held:
 * dropping an object's last record would lower that bound, and drop more, all at once.
 */
public final class EventHistory {
    public static final int MIN_CAPACITY = 1000;
    public static final int RECORDS_PER_OBJECT = 10;
    public static final int MAX_CAPACITY = 20_000;
    private static final int AGGREGATION_WINDOW = 50;

    private final Clock clock;
    private final Deque<EventRecord> records = new ArrayDeque<>();
    private volatile IntSupplier objects = () -> 0;
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
            EventRecord same = findRecent(type, reason, object, message);
            sequence++;
            if (same != null) {
                records.removeLastOccurrence(same); // it is among the last few
                updated = new EventRecord(sequence, type, reason, object, message, same.count() + 1, same.firstTimestamp(), now);
            } else {
                updated = new EventRecord(sequence, type, reason, object, message, 1, now, now);
            }
            records.addLast(updated);
            int capacity = capacity();
            while (records.size() > capacity) {
                records.removeFirst();
            }
        }
        listeners.forEach(listener -> listener.accept(updated));
    }

    /** The bound for the objects supervised now. */
    private int capacity() {
        long wanted = (long) RECORDS_PER_OBJECT * objects.getAsInt();
        return (int) Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, wanted));
    }

    private EventRecord findRecent(String type, String reason, String object, String message) {
        int looked = 0;
        for (var it = records.descendingIterator(); it.hasNext() && looked < AGGREGATION_WINDOW; looked++) {
            EventRecord candidate = it.next();
            if (candidate.object().equals(object) && candidate.reason().equals(reason)
                    && candidate.type().equals(type) && (object.startsWith("process/")
                    ? sameShape(candidate.message(), message) : candidate.message().equals(message))) {
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
