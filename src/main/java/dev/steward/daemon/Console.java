package dev.steward.daemon;

import dev.steward.logs.DaemonStreams;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.concurrent.Executor;

/**
 * The daemon's own lines on stdout ({@code 12:00:01.234 INFO  web-0: RUNNING (pid 1234)}), in the format
 * application.properties gives Quarkus' log. They are written here rather than through the logging
 * framework because the engine starts before Quarkus: the framework holds records back until Quarkus
 * has configured it, a second or more later, and a daemon killed meanwhile would lose them.
 *
 * <p>Event lines from the supervision owner are {@linkplain #batched batched}: a cold start or a
 * {@code start all} gives two lines per process, and one write(2) per line was a tenth of the owner's
 * time. Every other line is written at once, after the batched ones, so the order is kept.
 */
final class Console {
    /** A batch is written when it reaches this size, so a long owner task does not hold lines back. */
    private static final int BATCH_BYTES = 8192;
    private static final ZoneRules ZONE = ZoneId.systemDefault().getRules();

    // Guarded by Console.class.
    private static final StringBuilder batch = new StringBuilder();
    private static boolean flushScheduled;

    private Console() {
    }

    static void info(String message) {
        print("INFO ", message);
    }

    static void warn(String message) {
        print("WARN ", message);
    }

    /**
     * Adds a line to the batch, written once the task running on {@code owner} ends (a flush task is
     * queued behind it) or when the batch is full, whichever is first.
     */
    static synchronized void batched(String level, String message, Executor owner) {
        appendLine(level, message);
        if (batch.length() >= BATCH_BYTES) {
            flush();
        }
        if (!flushScheduled) {
            flushScheduled = true;
            owner.execute(Console::flushScheduled);
        }
    }

    private static synchronized void flushScheduled() {
        flushScheduled = false;
        flush();
    }

    private static synchronized void print(String level, String message) {
        appendLine(level, message);
        flush();
    }

    // Caller holds Console.class.
    private static void flush() {
        if (batch.length() == 0) {
            return;
        }
        DaemonStreams.holdingStdout(Console::printBatch);
        batch.setLength(0);
    }

    // Caller holds Console.class.
    private static void printBatch() {
        PrintStream out = System.out;
        out.print(batch);
        out.flush();
    }

    // Caller holds Console.class.
    private static void appendLine(String level, String message) {
        appendTime(System.currentTimeMillis());
        batch.append(' ').append(level).append(' ').append(message).append('\n');
    }

    /** HH:mm:ss.SSS in the zone the daemon started in, without DateTimeFormatter's per-call allocations. */
    private static void appendTime(long epochMillis) {
        long offsetMillis = ZONE.getOffset(Instant.ofEpochMilli(epochMillis)).getTotalSeconds() * 1000L;
        int ofDay = (int) Math.floorMod(epochMillis + offsetMillis, 86_400_000L);
        digits(ofDay / 3_600_000, 2).append(':');
        digits(ofDay / 60_000 % 60, 2).append(':');
        digits(ofDay / 1000 % 60, 2).append('.');
        digits(ofDay % 1000, 3);
    }

    /** {@code value} in {@code width} decimal digits, zero-padded. */
    private static StringBuilder digits(int value, int width) {
        int unit = 1;
        for (int i = 1; i < width; i++) {
            unit *= 10;
        }
        for (; unit > 0; unit /= 10) {
            batch.append((char) ('0' + value / unit % 10));
        }
        return batch;
    }
}
