package dev.steward.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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

    private static double cpu(SimpleMeterRegistry registry) {
        return registry.get("steward.process.cpu").functionCounter().count();
    }

    private static double memory(SimpleMeterRegistry registry) {
        return registry.get("steward.process.resident.memory").gauge().value();
    }

    /** A /proc/PID/stat of a sleeping process of group {@code group} with {@code ticks} of user CPU and 256 pages resident. */
    private static void stat(Path proc, int pid, int group, long ticks) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (sh) S 1 " + group + " " + group + " 0 -1 4194304 100 0 0 0 " + ticks
                + " 0 0 0 20 0 1 0 99 12345 256\n");
        Files.writeString(dir.resolve("statm"), "3000 256 100 10 0 200 0\n");
    }
}
