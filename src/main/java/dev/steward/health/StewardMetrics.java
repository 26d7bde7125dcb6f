package dev.steward.health;

import dev.steward.control.Control;
import dev.steward.control.ProcessInfo;
import dev.steward.daemon.DaemonControl;
import dev.steward.manifest.ManifestError;
import dev.steward.supervise.ProcessState;
import dev.steward.supervise.Signals;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Steward's Prometheus metrics ({@code /q/metrics}): one set of series per supervised process, labelled
 * {@code program}, {@code process} and {@code group} (the program, as Supervisor calls it), plus program,
 * manifest and reconcile totals.
 *
 * <p>Processes come and go at runtime, so just before each scrape {@link #refresh()} re-reads
 * {@link Control#processes()}: meters of new processes are registered and those of processes that are gone
 * removed, so a deleted program leaves no stale series. Values are read at scrape time from the latest
 * snapshot and, for CPU and memory, from {@code /proc}: one pass over it for the process groups ({@link GroupUsage}),
 * so that a process counts with what it started (a shell's commands, a server's workers), as {@code steward top}
 * counts it.
 */
@Singleton
public class StewardMetrics implements MeterBinder {
    /** {@code /q/metrics}, whatever the root paths are configured to. */
    private static final String METRICS_PATH_SUFFIX = "/metrics";

    private final Control control;
    private final DaemonControl daemon;
    private final ProcStats proc;
    private final Path procRoot;
    private final Clock clock;
    private MeterRegistry registry; // guarded by this
    private final Map<String, Tracked> tracked = new HashMap<>(); // by program/process; guarded by this
    private volatile long refreshes; // written under this
    // The pass over /proc has a lock of its own, which refresh() never takes: refresh() runs on the HTTP event loop, and
    // while it waited for another scrape's pass (two scrapes at once: a pair of Prometheus servers, or anyone, as
    // /q/metrics needs no token), every request on that loop waited too, health probes included, for seconds.
    private final Object procLock = new Object();
    private Map<Integer, GroupUsage> groups = Map.of(); // the process groups, by id, as last read; guarded by procLock
    private long groupsReadAt = -1; // the refresh they were read after; guarded by procLock

    @Inject
    public StewardMetrics(Control control, DaemonControl daemon) {
        this(control, daemon, Path.of("/proc"), Clock.systemUTC());
    }

    StewardMetrics(Control control, DaemonControl daemon, Path procRoot, Clock clock) {
        this.control = control;
        this.daemon = daemon;
        this.proc = new ProcStats(procRoot);
        this.procRoot = procRoot;
        this.clock = clock;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("steward.programs", control, c -> c.programs().size())
                .description("Programs supervised now").strongReference(true).register(registry);
        Gauge.builder("steward.manifests.invalid", control,
                        c -> c.manifestErrors().stream().map(ManifestError::file).distinct().count())
                .description("Manifest files currently rejected (their last good programs stay in force)")
                .strongReference(true).register(registry);
        Gauge.builder("steward.manifest.directory.unreadable", control, c -> c.manifestDirectoryProblem().isPresent() ? 1 : 0)
                .description("1 while the manifest directory is gone (its programs stop), cannot be listed, or is not read as"
                        + " every user may write it (they go on as they were, and changes to it are not seen); the daemon's log"
                        + " and /q/health/ready say why")
                .strongReference(true).register(registry);
        // Reconcile totals are not part of Control; DaemonControl publishes them with each snapshot.
        FunctionCounter.builder("steward.reconcile.passes", daemon, d -> d.reconcileTotals().passes())
                .description("Reconcile passes: desired manifests compared with supervised processes")
                .register(registry);
        FunctionTimer.builder("steward.reconcile.duration", daemon,
                        d -> d.reconcileTotals().passes(), d -> d.reconcileTotals().durationNanos(), TimeUnit.NANOSECONDS)
                .description("Time spent in reconcile passes").register(registry);
        FunctionCounter.builder("steward.reconcile.passes.with.errors", daemon, d -> d.reconcileTotals().passesWithErrors())
                .description("Reconcile passes that saw at least one invalid manifest file")
                .register(registry);
        refresh();
    }

    /** Re-reads the processes before a scrape. Vert.x filters run for the TCP listener and the unix socket alike. */
    void refreshBeforeScrape(@Observes Filters filters) {
        filters.register(request -> {
            if (request.normalizedPath().endsWith(METRICS_PATH_SUFFIX)) {
                refresh();
            }
            request.next();
        }, 10);
    }

    /** Registers meters for new processes, updates the others and removes those of processes that are gone. */
    public synchronized void refresh() {
        if (registry == null) {
            return;
        }
        Map<String, ProcessInfo> now = new HashMap<>();
        for (ProcessInfo info : control.processes()) {
            now.put(info.program() + "/" + info.name(), info);
        }
        refreshes++; // /proc is read again by the scrape's first CPU or memory meter, on its worker thread
        for (Iterator<Map.Entry<String, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tracked> entry = it.next();
            if (!now.containsKey(entry.getKey())) {
                entry.getValue().remove();
                it.remove();
            }
        }
        for (Map.Entry<String, ProcessInfo> entry : now.entrySet()) {
            ProcessInfo info = entry.getValue();
            tracked.computeIfAbsent(entry.getKey(), k -> new Tracked(info)).update(info);
        }
    }

    /**
     * What each process group uses, read once a scrape: one pass over {@code /proc}, when the scrape reads its first CPU
     * or memory meter (on the scrape's worker thread, not in {@link #refresh()}, which runs on the HTTP event loop).
     */
    private Map<Integer, GroupUsage> groups() {
        synchronized (procLock) {
            long refresh = refreshes;
            if (groupsReadAt != refresh) {
                groupsReadAt = refresh;
                try {
                    groups = GroupUsage.scan(procRoot);
                } catch (IOException | RuntimeException e) {
                    groups = Map.of(); // not Linux, or /proc unreadable: each process alone, where its own files can be read
                }
            }
            return groups;
        }
    }

    /** The meters of one process; their functions read {@link #info}, replaced at each refresh. */
    private final class Tracked {
        private volatile ProcessInfo info;
        private final Tags tags;
        private final List<Meter> meters = new ArrayList<>();
        private Meter lastExitCode; // registered once the process has exited at least once
        private double cpuSeconds; // the most the current run has shown; guarded by this
        private int cpuPid; // the run cpuSeconds counts; guarded by this

        Tracked(ProcessInfo first) {
            this.info = first;
            this.tags = Tags.of("program", first.program(), "process", first.name(), "group", first.program());
            meters.add(Gauge.builder("steward.process.state.code", this, t -> t.info.stateCode())
                    .description("Supervisor state code: 0 STOPPED, 10 STARTING, 20 RUNNING, 30 BACKOFF, 40 STOPPING, 100 EXITED, 200 FATAL, 1000 UNKNOWN")
                    .tags(tags).strongReference(true).register(registry));
            for (ProcessState state : ProcessState.values()) {
                String name = state.name();
                meters.add(Gauge.builder("steward.process.state", this, t -> t.info.state().equals(name) ? 1 : 0)
                        .description("1 for the state the process is in, 0 for the others")
                        .tags(tags).tag("state", name).strongReference(true).register(registry));
            }
            meters.add(FunctionCounter.builder("steward.process.restarts", this, t -> t.info.restarts())
                    .description("Automatic restarts of the process").tags(tags).register(registry));
            meters.add(Gauge.builder("steward.process.uptime", this, Tracked::uptimeSeconds).baseUnit("seconds")
                    .description("Seconds since the current run started; 0 when not running")
                    .tags(tags).strongReference(true).register(registry));
            meters.add(FunctionCounter.builder("steward.process.cpu", this, Tracked::cpuSeconds).baseUnit("seconds")
                    .description("User and system CPU time of the current run's process group, with the children it waited for"
                            + " (from /proc); 0 when not running")
                    .tags(tags).register(registry));
            meters.add(Gauge.builder("steward.process.resident.memory", this, Tracked::residentBytes).baseUnit("bytes")
                    .description("Resident set size of the process group's live members, summed (from /proc); 0 when not running")
                    .tags(tags).strongReference(true).register(registry));
        }

        void update(ProcessInfo latest) {
            info = latest;
            if (lastExitCode == null && latest.lastExit().isPresent()) {
                lastExitCode = Gauge.builder("steward.process.last.exit.code", this, Tracked::lastExitCode)
                        .description("Exit code of the last run, or 128 + the signal number when a signal killed it")
                        .tags(tags).strongReference(true).register(registry);
            } else if (lastExitCode != null && latest.lastExit().isEmpty()) {
                // A new process of this name (its program deleted and applied again, or scaled away and back, between
                // two scrapes): NaN until it exits, which an alert on "!= 0" would take for a failure.
                registry.remove(lastExitCode);
                lastExitCode = null;
            }
        }

        /**
         * The CPU of the process's group (every child leads its own), or of the process alone when it leads none. It never
         * goes down within a run, though the group's sum does when a member ends without its parent waiting for it:
         * Prometheus would take that for a reset, and count the whole run's CPU again.
         */
        synchronized double cpuSeconds() {
            int pid = info.pid();
            if (pid <= 0) {
                cpuPid = 0;
                cpuSeconds = 0;
                return 0;
            }
            GroupUsage group = groups().get(pid);
            double cpu = group != null ? group.cpuSeconds() : proc.cpuSeconds(pid).orElse(0);
            cpuSeconds = pid == cpuPid ? Math.max(cpuSeconds, cpu) : cpu;
            cpuPid = pid;
            return cpuSeconds;
        }

        /** The resident memory of the process's group, or of the process alone when it leads none. */
        double residentBytes() {
            int pid = info.pid();
            if (pid <= 0) {
                return 0;
            }
            GroupUsage group = groups().get(pid);
            return group != null ? group.memoryBytes() : proc.residentBytes(pid).orElse(0);
        }

        double uptimeSeconds() {
            ProcessInfo current = info;
            Optional<Instant> started = current.startedAt();
            if (current.pid() <= 0 || started.isEmpty()) {
                return 0;
            }
            return Math.max(0, Duration.between(started.get(), clock.instant()).toMillis() / 1000.0);
        }

        double lastExitCode() {
            return info.lastExit().map(exit -> exit.exitCode()
                            .orElseGet(() -> 128 + exit.signal().map(Signals::parse).orElse(0)))
                    .map(Integer::doubleValue).orElse(Double.NaN);
        }

        void remove() {
            meters.forEach(registry::remove);
            if (lastExitCode != null) {
                registry.remove(lastExitCode);
            }
        }
    }
}
