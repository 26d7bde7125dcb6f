package dev.steward.daemon;

import dev.steward.control.ActionResult;
import dev.steward.control.Control;
import dev.steward.control.DaemonUnavailableException;
import dev.steward.control.LabelSelector;
import dev.steward.control.LogTail;
import dev.steward.control.ProcessInfo;
import dev.steward.control.ProgramView;
import dev.steward.control.SupervisorNames;
import dev.steward.events.Event;
import dev.steward.events.EventRecord;
import dev.steward.logs.LogSink;
import dev.steward.logs.RingBuffer;
import dev.steward.manifest.ManifestError;
import dev.steward.supervise.ActionTimeout;
import dev.steward.supervise.Actions;
import dev.steward.supervise.ProcessView;
import dev.steward.supervise.ReconcileCounters;
import dev.steward.supervise.Signals;
import dev.steward.supervise.Supervisor;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link Control} on the running daemon: reads come from the supervisor's published snapshot,
 * actions are posted to its owner loop.
 */
@ApplicationScoped
public class DaemonControl implements Control {
    // Longer than the liveness check's second: a record may wait behind a reconcile of many programs.
    private static final int OWNER_WAIT_SECONDS = 5;
    private final Daemon daemon;
    /** The liveness ping on its way to the owner, if any. */
    private final AtomicReference<CompletableFuture<Boolean>> ping = new AtomicReference<>();

    public DaemonControl(Daemon daemon) {
        this.daemon = daemon;
    }

    private Optional<Supervisor.Snapshot> snapshot() {
        return Optional.ofNullable(daemon.supervisor()).map(Supervisor::snapshot);
    }

    @Override
    public List<ProgramView> programs() {
        return snapshot().map(s -> s.programs().stream().map(DaemonControl::view).toList()).orElse(List.of());
    }

    @Override
    public Optional<ProgramView> program(String name) {
        // Converts only the one asked for: apply, logs and follow look programs up one at a time.
        return snapshot().flatMap(s -> s.programs().stream().filter(p -> p.spec().name().equals(name)).findFirst())
                .map(DaemonControl::view);
    }

    private static ProgramView view(Supervisor.ProgramSnapshot program) {
        return new ProgramView(program.spec(), program.source(), program.processes().stream().map(DaemonControl::info).toList(),
                program.waiting());
    }

    @Override
    public List<ProcessInfo> processes() {
        return snapshot().map(s -> s.processes().stream().map(DaemonControl::info).toList()).orElse(List.of());
    }

    @Override
    public Optional<ProcessInfo> process(String name) {
        return snapshot().flatMap(s -> s.processes().stream().filter(p -> p.name().equals(name)).findFirst())
                .map(DaemonControl::info);
    }

    @Override
    public List<ManifestError> manifestErrors() {
        return snapshot().map(Supervisor.Snapshot::errors).orElse(List.of());
    }

    /** Reconcile pass totals for metrics. */
    public ReconcileCounters.Totals reconcileTotals() {
        return snapshot().map(Supervisor.Snapshot::reconcile).orElse(ReconcileCounters.Totals.ZERO);
    }

    @Override
    public List<String> resolve(List<String> targets, Optional<String> selector) {
        // Until the first pass over the manifests no process is known: "no such process" would be wrong.
        Supervisor.Snapshot snapshot = snapshot().filter(Supervisor.Snapshot::loaded).orElseThrow(DaemonControl::stillStarting);
        List<ProcessView> all = snapshot.processes();
        Set<String> names = new LinkedHashSet<>();
        if (selector.isPresent()) {
            LabelSelector parsed = LabelSelector.parse(selector.get());
            all.stream().filter(p -> parsed.matches(p.spec().labels())).forEach(p -> names.add(p.name()));
        }
        for (String target : targets) {
            try {
                names.addAll(resolveOne(target, snapshot));
            } catch (NoSuchElementException unknown) {
                if (targets.size() == 1) {
                    throw unknown;
                }
                // supervisorctl acts on the names it knows; here one unknown name stops the whole request: say so.
                List<String> others = new ArrayList<>(new LinkedHashSet<>(targets));
                others.remove(target);
                String named = others.size() <= 3 ? String.join(", ", others)
                        : String.join(", ", others.subList(0, 3)) + " and " + (others.size() - 3) + " more";
                throw new NoSuchElementException(unknown.getMessage() + " (nothing was done, to " + named
                        + " either: correct or leave out \"" + target + "\" and run it again)");
            }
        }
        return List.copyOf(names);
    }

    /**
     * A process, a program (all its processes), {@code all}, or Supervisor's {@code GROUP:NAME} (the process
     * NAME of program GROUP) and {@code GROUP:*} (the program).
     */
    private static List<String> resolveOne(String target, Supervisor.Snapshot snapshot) {
        List<ProcessView> all = snapshot.processes();
        if (target.equals("all")) {
            return all.stream().map(ProcessView::name).toList();
        }
        int colon = target.indexOf(':');
        if (colon >= 0) {
            String group = target.substring(0, colon);
            String process = target.substring(colon + 1);
            List<String> matched = all.stream().filter(p -> p.program().equals(group)
                    && (process.equals("*") || process.isEmpty() || p.name().equals(process))).map(ProcessView::name).toList();
            if (matched.isEmpty()) {
                throw noSuch(target, snapshot, group, process);
            }
            return matched;
        }
        List<String> matched = all.stream().filter(p -> p.name().equals(target)).map(ProcessView::name).toList();
        if (matched.isEmpty()) {
            matched = all.stream().filter(p -> p.program().equals(target)).map(ProcessView::name).toList();
        }
        if (matched.isEmpty()) {
            throw noSuch(target, snapshot, target, target);
        }
        return matched;
    }

    private static NoSuchElementException noSuch(String target, Supervisor.Snapshot snapshot, String program, String process) {
        boolean scaledToZero = snapshot.programs().stream().anyMatch(p -> p.spec().name().equals(program) && p.spec().replicas() == 0);
        if (scaledToZero) {
            return new NoSuchElementException("program " + program + " has 0 replicas, so it has no process to act on;"
                    + " scale it up first: `steward scale program " + program + " --replicas 1`");
        }
        Optional<String> replica = SupervisorNames.replica(process)
                .filter(name -> snapshot.processes().stream().anyMatch(p -> p.name().equals(name)));
        return new NoSuchElementException("no program or process named \"" + target + "\"" + replica
                .map(SupervisorNames::didYouMean).orElse("; run `steward get processes` to list them"));
    }

    @Override
    public CompletableFuture<List<ActionResult>> start(List<String> processes, Optional<Duration> timeout) {
        return onOwner(processes, "OperatorStart", "start requested", s -> s.start(processes, new ActionTimeout(timeout)));
    }

    @Override
    public CompletableFuture<List<ActionResult>> stop(List<String> processes, Optional<Duration> timeout) {
        return onOwner(processes, "OperatorStop", "stop requested: stays stopped until started by hand or its manifest changes",
                s -> s.stop(processes, new ActionTimeout(timeout)));
    }

    @Override
    public CompletableFuture<List<ActionResult>> restart(List<String> processes, Optional<Duration> timeout) {
        return onOwner(processes, "OperatorRestart", "restart requested", s -> s.restart(processes, new ActionTimeout(timeout)));
    }

    @Override
    public CompletableFuture<List<ActionResult>> signal(List<String> processes, int signal) {
        return onOwner(processes, "OperatorSignal", "SIG" + Signals.name(signal) + " requested",
                s -> CompletableFuture.completedFuture(s.signal(processes, signal)));
    }

    /**
     * Records the request and runs the action, both on the owner: in the history the request comes after
     * whatever happened before it and before the transitions it causes. A request the daemon refuses, still
     * starting or already shutting down (a process started then would outlive it), is not recorded.
     */
    private CompletableFuture<List<ActionResult>> onOwner(List<String> processes, String reason, String message,
                                                          Function<Supervisor, CompletableFuture<List<Actions.Result>>> action) {
        Supervisor supervisor = daemon.supervisor();
        if (supervisor == null) {
            return CompletableFuture.failedFuture(stillStarting());
        }
        CompletableFuture<List<ActionResult>> done = new CompletableFuture<>();
        supervisor.loop().execute(() -> {
            if (supervisor.shuttingDown()) {
                done.completeExceptionally(new DaemonUnavailableException("the daemon is shutting down: it is stopping"
                        + " every process and takes no other action; run this again once it has started"));
                return;
            }
            try {
                if (!processes.isEmpty()) {
                    supervisor.recordOperatorActions(List.of(new Event.OperatorAction(
                            processes.stream().map(p -> "process/" + p).toList(), reason, message)));
                }
            } finally { // a failing history consumer must neither cancel the action nor leave the request waiting
                act(supervisor, action).whenComplete((results, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else if (!results.stream().allMatch(ActionResult::ok) && supervisor.shuttingDown()) {
                        // Refused part-way (a restart of several, say): answer as for a request made during shutdown.
                        done.completeExceptionally(new DaemonUnavailableException("the daemon began shutting down during"
                                + " this action and is stopping every process; run it again once the daemon has started"));
                    } else {
                        done.complete(results);
                    }
                });
            }
        });
        return done;
    }

    private static DaemonUnavailableException stillStarting() {
        return new DaemonUnavailableException("the daemon is still starting; try again in a moment");
    }

    /** Runs the action; its results as the API gives them, completed on the owner. */
    private static CompletableFuture<List<ActionResult>> act(Supervisor supervisor,
                                                             Function<Supervisor, CompletableFuture<List<Actions.Result>>> action) {
        try {
            return action.apply(supervisor).thenApply(results -> results.stream().map(r -> new ActionResult(r.name(),
                    r.program(), r.ok(), r.state().name(), r.message(), r.timedOut())).toList());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the request gets it; the owner loop goes on
        }
    }

    @Override
    public List<EventRecord> events() {
        return daemon.history().all();
    }

    @Override
    public AutoCloseable subscribe(Consumer<EventRecord> listener) {
        return daemon.history().subscribe(listener);
    }

    @Override
    public int eventsKept() {
        return daemon.history().capacity();
    }

    @Override
    public Optional<LogTail> logs(String process, boolean stderr) {
        return snapshot().flatMap(s -> s.processes().stream().filter(p -> p.name().equals(process)).findFirst())
                .flatMap(p -> stderr ? p.stderr() : p.stdout())
                .map(LogTail::new);
    }

    @Override
    public Optional<String> processWriting(RingBuffer ring, boolean stderr) {
        return snapshot().flatMap(s -> s.processes().stream()
                .filter(p -> (stderr ? p.stderr() : p.stdout()).filter(sink -> sink.ring() == ring).isPresent())
                .map(ProcessView::name).findFirst());
    }

    /**
     * On the owner, in order with the supervisor's own events (see {@link Supervisor#recordOperatorActions}),
     * and waited for, once for them all, so the records are in the history when the request that made them
     * is answered.
     */
    @Override
    public void recordOperatorActions(List<Event.OperatorAction> actions) {
        if (actions.isEmpty()) {
            return;
        }
        Supervisor supervisor = daemon.supervisor();
        if (supervisor == null) {
            throw stillStarting(); // not reached through the API: edits wait for the manifests to be read
        }
        // Not in time: a busy owner records them when it gets there; the change itself is already made.
        runOnOwner(supervisor, () -> supervisor.recordOperatorActions(actions), OWNER_WAIT_SECONDS);
    }

    /**
     * Waits on no thread: the JDK's delay scheduler ends the wait after a second, unless the owner answers first.
     * Probes that come while one waits share its answer: a flood of them (they need no token and take no worker)
     * queues one task on the owner, not one each.
     */
    @Override
    public CompletionStage<Boolean> ownerResponsive() {
        Supervisor supervisor = daemon.supervisor();
        if (supervisor == null) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> waiting = ping.get();
        if (waiting != null && !waiting.isDone()) {
            return waiting;
        }
        CompletableFuture<Boolean> fresh = ranOnOwner(supervisor, () -> { }).orTimeout(1, TimeUnit.SECONDS)
                .handle((ran, late) -> late == null);
        ping.set(fresh);
        return fresh;
    }

    /**
     * The manifest directory read again, and what that changed in force and published, before this returns: the
     * reconcile is queued on the owner before the publish task queued here.
     */
    @Override
    public void reread() {
        Supervisor supervisor = daemon.supervisor();
        if (supervisor == null) {
            throw stillStarting();
        }
        daemon.rereadManifests();
        if (!runOnOwner(supervisor, supervisor::publishNow, OWNER_WAIT_SECONDS)) {
            throw new DaemonUnavailableException("the daemon read the manifest directory, but its supervision loop did not"
                    + " answer within " + OWNER_WAIT_SECONDS + " s; try again");
        }
    }

    /** Runs {@code task} on the owner and waits at most {@code seconds} for it to end: whether it did. */
    private static boolean runOnOwner(Supervisor supervisor, Runnable task, int seconds) {
        CompletableFuture<Void> ran = ranOnOwner(supervisor, task);
        try {
            ran.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Completes once {@code task} has run on the owner. */
    private static CompletableFuture<Void> ranOnOwner(Supervisor supervisor, Runnable task) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        supervisor.loop().execute(() -> {
            try {
                task.run();
            } finally {
                ran.complete(null);
            }
        });
        return ran;
    }

    @Override
    public boolean manifestsLoaded() {
        return snapshot().map(Supervisor.Snapshot::loaded).orElse(false);
    }

    @Override
    public Optional<String> manifestDirectoryProblem() {
        return daemon.manifestDirectoryProblem();
    }

    @Override
    public boolean shuttingDown() {
        Supervisor supervisor = daemon.supervisor();
        return supervisor != null && supervisor.shuttingDown();
    }

    @Override
    public boolean shutDown() {
        // Not while events are still to be handed over: the stream would end before the last stops (Stopped web-1
        // after Stopped web-0, both shown stopped by the snapshot the first is handed with).
        return shuttingDown() && !daemon.supervisor().holdsEvents()
                && snapshot().map(s -> s.processes().stream().allMatch(p -> p.state().isStoppedGroup())).orElse(true);
    }

    static ProcessInfo info(ProcessView view) {
        Optional<ProcessInfo.LastExit> lastExit = view.lastExit().map(exit -> new ProcessInfo.LastExit(
                exit.status().signaled() ? Optional.empty() : Optional.of(exit.status().code()),
                exit.status().signaled() ? Optional.of(Signals.name(exit.status().signal())) : Optional.empty(),
                exit.expected(),
                exit.expected() ? "Completed" : exit.status().signaled() ? "Killed" : "Error",
                exit.at()));
        return new ProcessInfo(view.name(), view.program(), view.index(), view.state().name(), view.state().code(),
                view.pid(), view.startedAt(), view.stoppedAt(), view.restartAt(), view.restarts(), lastExit, view.spawnError(),
                view.stoppedByHand(), ProcessInfo.Removal.valueOf(view.removal().name()), view.startsAgain(), view.outdated(),
                view.logPaths().stdout().map(Object::toString),
                view.logPaths().stderr().map(Object::toString),
                view.stdout().flatMap(LogSink::lastError).or(() -> view.stderr().flatMap(LogSink::lastError)),
                view.spec().labels(), view.command());
    }
}
