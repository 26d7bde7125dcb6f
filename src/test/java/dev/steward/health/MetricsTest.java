package dev.steward.health;

import dev.steward.control.ProcessInfo;
import dev.steward.manifest.ManifestError;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@TestProfile(FakeControlProfile.class)
class MetricsTest {
    /** A series line of the 0.0.4 text format: name, labels, value. */
    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    @Inject
    FakeControl control;

    @BeforeEach
    void reset() {
        control.reset();
    }

    /** What Prometheus' text parser and promtool read. */
    static String scrape() {
        return given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static List<String> series(String exposition, String prefix) {
        return exposition.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    static double value(String exposition, String name, String... labels) {
        List<String> matches = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            Matcher m = SERIES.matcher(line);
            if (m.matches() && m.group(1).equals(name) && List.of(labels).stream().allMatch(l -> m.group(2) != null && m.group(2).contains(l))) {
                matches.add(m.group(3));
            }
        }
        assertEquals(1, matches.size(), () -> "one series " + name + " " + List.of(labels) + " in\n" + series(exposition, "steward_"));
        return Double.parseDouble(matches.get(0));
    }

    @Test
    void processSeriesCarryProgramProcessAndGroupLabels() {
        control.program(FakeControl.spec("web", 2), "RUNNING", "BACKOFF");
        String text = scrape();
        String web0 = "group=\"web\",process=\"web-0\",program=\"web\"";
        String web1 = "group=\"web\",process=\"web-1\",program=\"web\"";
        assertEquals(20, value(text, "steward_process_state_code", web0));
        assertEquals(30, value(text, "steward_process_state_code", web1));
        assertEquals(1, value(text, "steward_process_state", web0, "state=\"RUNNING\""));
        assertEquals(0, value(text, "steward_process_state", web0, "state=\"BACKOFF\""));
        assertEquals(1, value(text, "steward_process_state", web1, "state=\"BACKOFF\""));
        assertEquals(0, value(text, "steward_process_restarts_total", web0));
        value(text, "steward_process_uptime_seconds", web0);
        value(text, "steward_process_cpu_seconds_total", web0);
        value(text, "steward_process_resident_memory_bytes", web0);
        assertEquals(1, value(text, "steward_programs"));
        assertTrue(text.contains("# TYPE steward_process_restarts_total counter"), text);
        assertTrue(text.contains("# TYPE steward_process_state_code gauge"), text);
    }

    @Test
    void cpuAndMemoryAreReadFromProcForTheProcessPid() {
        var spec = FakeControl.spec("self", 1);
        int pid = (int) ProcessHandle.current().pid(); // this JVM: surely running, using CPU and memory
        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, pid)));
        String text = scrape();
        assertTrue(value(text, "steward_process_cpu_seconds_total", "process=\"self\"") > 0);
        double rss = value(text, "steward_process_resident_memory_bytes", "process=\"self\"");
        assertTrue(rss > 10_000_000 && rss % ProcStats.PAGE_SIZE == 0, "RSS " + rss);
        double uptime = value(text, "steward_process_uptime_seconds", "process=\"self\"");
        assertTrue(uptime >= 5 && uptime < 60, "uptime " + uptime);
    }

    @Test
    void cpuAndMemoryCountTheProcessGroupAsTopDoes() throws Exception {
        // As the daemon spawns them, the child leads its own process group: a shell whose busy loop is its child.
        Process shell = new ProcessBuilder("setsid", "/bin/sh", "-c", "while :; do :; done & sleep 600").start();
        try {
            int pid = (int) shell.pid();
            var spec = FakeControl.spec("wrapped", 1);
            control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, pid)));
            ProcStats alone = new ProcStats(Path.of("/proc"));
            // The shell itself only waits: the CPU is its child's, which the process's own /proc/PID/stat leaves out.
            await().atMost(60, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                    value(scrape(), "steward_process_cpu_seconds_total", "process=\"wrapped\"") >= 0.3);
            assertTrue(alone.cpuSeconds(pid).orElseThrow() < 0.2, "the shell alone used little CPU");
            double group = value(scrape(), "steward_process_resident_memory_bytes", "process=\"wrapped\"");
            assertTrue(group > alone.residentBytes(pid).orElseThrow(), "the group's memory is more than the shell's: " + group);
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }

    @Test
    void lastExitCodeAppearsOnceAProcessHasExited() {
        var spec = FakeControl.spec("job", 2);
        ProcessInfo exited = withExit(FakeControl.process(spec, 0, "EXITED", false, 0), Optional.of(3), Optional.empty());
        ProcessInfo killed = withExit(FakeControl.process(spec, 1, "EXITED", false, 0), Optional.empty(), Optional.of("KILL"));
        control.program(spec, List.of(exited, killed));
        String text = scrape();
        assertEquals(3, value(text, "steward_process_last_exit_code", "process=\"job-0\""));
        assertEquals(128 + 9, value(text, "steward_process_last_exit_code", "process=\"job-1\""));

        control.program(FakeControl.spec("fresh", 1), "RUNNING");
        assertTrue(series(scrape(), "steward_process_last_exit_code").stream().noneMatch(l -> l.contains("fresh")));
    }

    @Test
    void aProcessBackUnderTheNameOfOneThatHadExitedHasNoLastExitCodeTillItExits() {
        var spec = FakeControl.spec("job", 1);
        control.program(spec, List.of(withExit(FakeControl.process(spec, 0, "EXITED", false, 0), Optional.of(3), Optional.empty())));
        assertEquals(3, value(scrape(), "steward_process_last_exit_code", "process=\"job\""));

        // deleted and applied again (or scaled away and back) between two scrapes: a new process, which has not exited
        control.program(spec, "RUNNING");
        List<String> lastExit = series(scrape(), "steward_process_last_exit_code");
        assertTrue(lastExit.isEmpty(), "NaN, which an alert on != 0 takes for a failure: " + lastExit);

        control.program(spec, List.of(withExit(FakeControl.process(spec, 0, "EXITED", false, 0), Optional.of(0), Optional.empty())));
        assertEquals(0, value(scrape(), "steward_process_last_exit_code", "process=\"job\""));
    }

    @Test
    void seriesOfProcessesThatAreGoneAreRemovedAndNeverDuplicated() {
        control.program(FakeControl.spec("web", 3), "RUNNING", "RUNNING", "RUNNING");
        control.program(FakeControl.spec("job", 1), "RUNNING");
        assertNoDuplicateSeries(scrape());

        control.program(FakeControl.spec("web", 1), "RUNNING"); // scaled down: web-0.. become "web"
        control.remove("job");
        String text = scrape();
        assertNoDuplicateSeries(text);
        List<String> process = series(text, "steward_process_");
        assertFalse(process.isEmpty());
        assertTrue(process.stream().allMatch(l -> l.contains("process=\"web\"")), String.join("\n", process));
        assertEquals(1, value(text, "steward_programs"));

        control.program(FakeControl.spec("job", 1), "BACKOFF"); // comes back: one series again, current value
        text = scrape();
        assertNoDuplicateSeries(text);
        assertEquals(30, value(text, "steward_process_state_code", "process=\"job\""));

        control.reset();
        assertTrue(series(scrape(), "steward_process_").isEmpty());
    }

    @Test
    void invalidManifestFilesAreCountedOncePerFile() {
        control.addError(new ManifestError(Path.of("manifests/a.yaml"), 1, 1, "spec", "bad"));
        control.addError(new ManifestError(Path.of("manifests/a.yaml"), 2, 1, "spec", "worse"));
        control.addError(new ManifestError(Path.of("manifests/b.yaml"), 1, 1, "spec", "bad"));
        assertEquals(2, value(scrape(), "steward_manifests_invalid"));
    }

    @Test
    void reconcilePassesOfTheDaemonAreExported() {
        // The real daemon underneath applied its (empty) manifest directory at least once.
        String text = scrape();
        assertTrue(value(text, "steward_reconcile_passes_total") >= 1);
        assertTrue(value(text, "steward_reconcile_duration_seconds_count") >= 1);
        assertTrue(value(text, "steward_reconcile_duration_seconds_sum") > 0);
        assertEquals(0, value(text, "steward_reconcile_passes_with_errors_total"));
    }

    @Test
    void everyStewardFamilyHasHelpAndType() {
        control.program(FakeControl.spec("web", 1), "RUNNING");
        String text = scrape();
        Set<String> families = new HashSet<>();
        text.lines().filter(l -> l.startsWith("# TYPE steward_")).forEach(l -> families.add(l.split(" ")[2]));
        assertEquals(Set.of("steward_programs", "steward_manifests_invalid", "steward_manifest_directory_unreadable",
                "steward_reconcile_passes_total",
                "steward_reconcile_duration_seconds", "steward_reconcile_passes_with_errors_total",
                "steward_process_state_code", "steward_process_state", "steward_process_restarts_total",
                "steward_process_uptime_seconds", "steward_process_cpu_seconds_total",
                "steward_process_resident_memory_bytes"), families);
        for (String family : families) {
            assertTrue(text.contains("# HELP " + family + " "), "HELP for " + family);
        }
    }

    @Test
    void promtoolFindsNothingWrongWithTheWholeExposition() throws Exception {
        Optional<Path> promtool = Promtool.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(promtool.isPresent(),
                "promtool not installed (Debian package prometheus): the exposition is not linted");
        control.program(FakeControl.spec("web", 2), "RUNNING", "FATAL");
        given().put("/api/v1/programs/web").then().statusCode(405); // a request first, so request meters would exist
        Promtool.Result result = Promtool.check(promtool.get(), scrape());
        // 0: no errors and no lint findings, for every family a scrape holds, not only steward_*.
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("", result.output().strip());
    }

    @Test
    void ofQuarkusConnectionMetersOnlyTheCountOfRefusedConnectionsIsExposed() {
        String text = scrape();
        assertTrue(text.contains("# TYPE vertx_http_connections_rejected_total counter"), text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("vertx_http_connections_current") || l.startsWith("vertx_http_connections_max")), text);
    }

    @Test
    void requestsToPathsThatMatchNoOperationAddNoSeries() {
        // Each made a series labelled with its raw URI: unbounded label values, one per name a client tried.
        for (String name : List.of("rnd111", "rnd222", "rnd333")) {
            given().put("/api/v1/programs/" + name).then().statusCode(405);
            given().accept("text/csv").get("/api/v1/programs/" + name).then().statusCode(406);
        }
        String text = scrape();
        assertTrue(text.lines().noneMatch(line -> line.contains("rnd")), text);
    }

    @Test
    void procStatsCountFieldsAfterTheCommandNameWhateverItHolds(@TempDir Path proc) throws Exception {
        Path dir = Files.createDirectories(proc.resolve("4242"));
        // comm "(a) b) S" looks like more fields; utime 250 and stime 50 ticks are fields 14 and 15.
        Files.writeString(dir.resolve("stat"), "4242 ((a) b) S) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 99 12345 256\n");
        Files.writeString(dir.resolve("statm"), "3000 256 100 10 0 200 0\n");
        ProcStats stats = new ProcStats(proc);
        assertEquals(3.0, stats.cpuSeconds(4242).orElseThrow());
        assertEquals(256 * 4096.0, stats.residentBytes(4242).orElseThrow());
        assertTrue(stats.cpuSeconds(4343).isEmpty());
        assertTrue(stats.residentBytes(0).isEmpty());
    }

    @Test
    void procStatsReadTheCpuOfAProcessWhoseNameIsNotUtf8(@TempDir Path proc) throws Exception {
        Path dir = Files.createDirectories(proc.resolve("4242"));
        // a script file named with byte 0xFF (Linux names are bytes): its comm is that name
        byte[] stat = "4242 (web?) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 99 12345 256\n"
                .getBytes(StandardCharsets.US_ASCII);
        stat[9] = (byte) 0xFF;
        Files.write(dir.resolve("stat"), stat);
        assertEquals(3.0, new ProcStats(proc).cpuSeconds(4242).orElseThrow());
    }

    private static void assertNoDuplicateSeries(String text) {
        Set<String> seen = new HashSet<>();
        for (String line : text.lines().toList()) {
            Matcher m = SERIES.matcher(line);
            if (m.matches()) {
                assertTrue(seen.add(m.group(1) + normalized(m.group(2))), "duplicate series " + line);
            }
        }
    }

    private static String normalized(String labels) {
        return labels == null ? "" : labels.replace(",}", "}");
    }

    private static ProcessInfo withExit(ProcessInfo p, Optional<Integer> code, Optional<String> signal) {
        var exit = new ProcessInfo.LastExit(code, signal, false, signal.isPresent() ? "Killed" : "Error", Instant.now());
        return new ProcessInfo(p.name(), p.program(), p.index(), p.state(), p.stateCode(), p.pid(), p.startedAt(),
                Optional.of(Instant.now()), p.restartAt(), p.restarts(), Optional.of(exit), p.spawnError(), p.stoppedByHand(),
                p.removal(), p.startsAgain(), p.outdated(), p.stdoutLog(), p.stderrLog(), p.logError(), p.labels(), p.command());
    }
}
