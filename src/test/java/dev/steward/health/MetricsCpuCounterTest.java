package dev.steward.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-process CPU counter and memory gauge, read from a /proc written by the test. */
class MetricsCpuCounterTest {

    @Test
    void aRunCountsItsGroupAndItsCounterNeverGoesDownTillTheNextRun(@TempDir Path proc) throws IOException {
        FakeControl control = new FakeControl();
        var spec = FakeControl.spec("web", 1);
        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, 4242)));
        stat(proc, 4242, 4242, 500); // the child, leading its group: 5 s
        stat(proc, 4243, 4242, 300); // a worker it started: 3 s
        stat(proc, 4300, 4300, 9000); // another group
        StewardMetrics metrics = new StewardMetrics(control, null, proc, Clock.systemUTC());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        assertEquals(8.0, cpu(registry));
        assertEquals(2 * 256 * ProcStats.PAGE_SIZE, memory(registry));

        Files.walk(proc.resolve("4243")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        metrics.refresh(); // the worker ended without its parent waiting for it: the group's sum drops
        assertEquals(8.0, cpu(registry), "a counter that went down would be a reset to Prometheus");
        assertEquals(256 * ProcStats.PAGE_SIZE, memory(registry));

        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, 4300)));
        metrics.refresh(); // the next run: counted afresh
        assertEquals(90.0, cpu(registry));
    }

    @Test
    void aRefreshNeverWaitsForAScrapeThatIsReadingProc(@TempDir Path proc) throws Exception {
        FakeControl control = new FakeControl();
        var spec = FakeControl.spec("web", 1);
        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, 4242)));
        stat(proc, 4242, 4242, 500);
        StewardMetrics metrics = new StewardMetrics(control, null, proc, Clock.systemUTC());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        // A /proc that answers slowly, as a busy machine's with thousands of processes does: a stat file that is a
        // FIFO, whose reading waits until something writes it.
        Path slow = Files.createDirectories(proc.resolve("4300")).resolve("stat");
        assertEquals(0, new ProcessBuilder("mkfifo", slow.toString()).inheritIO().start().waitFor());
        metrics.refresh(); // a scrape: its first CPU or memory meter reads /proc again
        Thread scrape = new Thread(() -> cpu(registry), "scrape reading /proc");
        scrape.start();
        try {
            await().atMost(30, TimeUnit.SECONDS).until(() -> Arrays.stream(scrape.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().equals(GroupUsage.class.getName())));
            // The refresh of a second scrape, on the HTTP event loop that answers health probes too
            assertTimeoutPreemptively(Duration.ofSeconds(10), metrics::refresh,
                    "the refresh waited for the other scrape's pass over /proc, and held the event loop meanwhile");
        } finally {
            // Read and write: opening it never waits, and gives the scan its writer.
            try (FileChannel fifo = FileChannel.open(slow, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                fifo.write(ByteBuffer.wrap(statLine(4300, 4300, 100).getBytes(StandardCharsets.US_ASCII)));
            }
            scrape.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static double cpu(SimpleMeterRegistry registry) {
        return registry.get("steward.process.cpu").functionCounter().count();
    }

    private static double memory(SimpleMeterRegistry registry) {
        return registry.get("steward.process.resident.memory").gauge().value();
    }

    /** A /proc/PID/stat of a sleeping process of group {@code group} with {@code ticks} of user CPU and 256 pages resident. */
    private static void stat(Path proc, int pid, int group, long ticks) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), statLine(pid, group, ticks));
        Files.writeString(dir.resolve("statm"), "3000 256 100 10 0 200 0\n");
    }

    private static String statLine(int pid, int group, long ticks) {
        return pid + " (sh) S 1 " + group + " " + group + " 0 -1 4194304 100 0 0 0 " + ticks + " 0 0 0 20 0 1 0 99 12345 256\n";
    }
}
