package dev.steward.supervise;

import dev.steward.events.Event;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import dev.steward.reconcile.DesiredState;
import dev.steward.reconcile.Plan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The single owner of supervision state: the desired snapshot, every program controller and process
 * slot, operator intent and pending actions. All methods run on the owner loop; other threads post
 * to it and read the immutable {@link Snapshot} it publishes. Reconcile is level-triggered:
 * {@link #apply} diffs the latest desired snapshot against what is supervised and acts on the
 * difference only.
 */
public final class Supervisor {
    private final OwnerLoop loop;
    private final Clock clock;
    private final ProcessLauncher launcher;
    private final Consumer<Event> log;
    private final BiConsumer<Event, Instant> events;
    private final OperatorIntent intent;
    private final Actions actions;
    private final Map<String, ProgramController> programs = new TreeMap<>();
    private final List<ProgramController> deleted = new ArrayList<>();
    /**
     * Programs added back while the processes of their removed namesake still stop (a file removed and restored,
     * a checkout): they start once those are gone, so two processes of one name never run together.
     */
    private final Map<String, AddedProgram> waitingForNamesake = new TreeMap<>();
    private Map<String, Path> sources = Map.of();
    private List<ManifestError> reportedErrors = List.of();
    /** Invalid files in force that were never valid: they took over the programs of a vanished file. */
    private final Set<Path> takenOver = new HashSet<>();
    private CompletableFuture<Void> shutdown;
    private volatile boolean shuttingDown; // shutdown != null, readable from request threads
    // Set by any thread as soon as a stop is asked for, before the owner gets to shutdown(): a pass under way (the
    // first one spawns every program in one owner task) starts no more programs.
    private volatile boolean shutdownRequested;
    private List<List<ProgramController>> shutdownLevels = List.of();
    private boolean continuingShutdown;
    private boolean publishPending;
    private final ArrayDeque<HeldEvent> unpublishedEvents = new ArrayDeque<>();
    private volatile boolean holdsEvents; // !unpublishedEvents.isEmpty(), readable from request threads
    private boolean delivering;
    private final ReconcileCounters counters = new ReconcileCounters();
    private volatile Snapshot snapshot = new Snapshot(List.of(), List.of(), List.of(), false, ReconcileCounters.Totals.ZERO);

    /** A program to add, and the file it comes from. */
    private record AddedProgram(ProgramSpec spec, Path source) {
    }

    /** An event waiting for the snapshot that shows it, and when it happened. */
    private record HeldEvent(Event event, Instant at) {
    }

    /**
     * A program as published: its spec in force, its source file and its processes.
     *
     * @param waiting whether it waits for the processes of its removed namesake to stop before it starts (it has none yet)
     */
    public record ProgramSnapshot(ProgramSpec spec, Path source, List<ProcessView> processes, boolean waiting) {
    }

    /**
     * Everything readers may see, consistent with itself.
     *
     * @param loaded whether the manifest directory has been applied at least once
     */
    public record Snapshot(List<ProgramSnapshot> programs, List<ProcessView> processes, List<ManifestError> errors,
                           boolean loaded, ReconcileCounters.Totals reconcile) {
    }

    /**
     * @param log    gets each event as it happens: the daemon's log, whose lines say when
     * @param events gets each event, with the time it happened, once the snapshot that shows it is published:
     *               the history and its streams
     */
    public Supervisor(OwnerLoop loop, Clock clock, ProcessLauncher launcher, Consumer<Event> log, BiConsumer<Event, Instant> events,
                      OperatorIntent intent) {
        this.loop = loop;
        this.clock = clock;
        this.launcher = launcher;
        this.log = log;
        this.events = events;
        this.intent = intent;
        this.actions = new Actions(loop, intent, this::startsNothing, this::current, this::comingUpBeside);
    }

    /** Reconciles towards {@code desired}. Owner thread. */
    public void apply(DesiredState desired) {
        if (shutdown != null || shutdownRequested) {
            return;
        }
        intent.batch(() -> reconcile(desired));
    }

    private void reconcile(DesiredState desired) {
        long started = System.nanoTime();
        if (!snapshot.loaded() && desired.errors().isEmpty()) {
            // The first pass: a program stopped by hand whose file was removed while the daemon was down is gone, as
            // a removal while it runs ends the mark. With a file in error the program may be in it: kept.
            intent.clearAbsent(desired.programs().keySet());
        }
        reportErrors(desired.errors(), desired.sources());
        Map<String, Path> sourcesBefore = sources;
        sources = desired.sources();
        Map<String, ProgramSpec> current = new LinkedHashMap<>();
        programs.forEach((name, controller) -> current.put(name, controller.spec()));
        Plan plan = Plan.between(current, desired.programs());
        for (String name : plan.removed()) {
            ProgramController controller = programs.remove(name);
            emit(new Event.ProgramRemoved(name));
            // Removing the manifest ends "stopped by hand": a re-added program starts afresh.
            controller.allSlots().forEach(slot -> intent.clear(slot.name()));
            controller.delete();
            deleted.add(controller);
        }
        for (ProgramSpec spec : plan.changed()) {
            ProgramController controller = programs.get(spec.name());
            // A changed manifest ends "stopped by hand": the operator's new intent is the manifest.
            List<ProcessSlot> held = controller.slots().stream().filter(s -> intent.stoppedByHand(s.name())).toList();
            emit(new Event.ProgramChanged(spec.name(), Plan.effect(controller.spec(), spec,
                    held.stream().collect(Collectors.toMap(ProcessSlot::name, ProcessSlot::index)),
                    controller.slots().stream().filter(s -> s.state() == ProcessState.FATAL)
                            .collect(Collectors.toMap(ProcessSlot::name, ProcessSlot::index)))
                    + moved(spec.name(), sourcesBefore, "")));
            held.forEach(slot -> intent.clear(slot.name()));
            controller.update(spec);
            controller.allSlots().forEach(launcher::updateLimits);
            if (spec.autostart()) {
                held.stream().filter(slot -> controller.slots().contains(slot)).forEach(ProcessSlot::start);
            }
        }
        Set<String> changed = plan.changed().stream().map(ProgramSpec::name).collect(Collectors.toSet());
        for (String name : programs.keySet()) {
            // A file renamed (a checkout, mv a.yaml b.yaml), or a program handed to the other file that defined it
            // once its own went: nothing to do, but the log and the history say where the program comes from now.
            String move = changed.contains(name) ? "" : moved(name, sourcesBefore, "nothing restarted");
            if (!move.isEmpty()) {
                emit(new Event.ProgramChanged(name, move));
            }
        }
        Set<String> wereWaiting = Set.copyOf(waitingForNamesake.keySet());
        waitingForNamesake.clear(); // the desired state decides afresh: the latest spec, or not at all
        for (ProgramSpec spec : plan.added()) {
            if (shutdownRequested) {
                break; // a TERM while the pass spawns: what it started is stopped by the shutdown queued behind it
            }
            AddedProgram added = new AddedProgram(spec, desired.sources().getOrDefault(spec.name(), Path.of("?")));
            if (namesakeStopping(spec.name())) {
                if (!wereWaiting.contains(spec.name())) {
                    emit(new Event.ProgramAdded(spec.name(), added.source(), true)); // said once, not at every pass
                }
                waitingForNamesake.put(spec.name(), added);
            } else {
                add(added, !wereWaiting.contains(spec.name()));
            }
        }
        for (String gone : wereWaiting) {
            if (!waitingForNamesake.containsKey(gone) && !programs.containsKey(gone)) {
                emit(new Event.ProgramRemoved(gone)); // its file went again before it could start
            }
        }
        forgetDeleted();
        counters.pass(System.nanoTime() - started, desired.errors().size());
        publish(true);
    }

    /**
     * {@code ; now defined in b.yaml (was a.yaml)} when the program's manifest file is another than before, else empty;
     * with {@code alone} (what that changes) in place of the leading separator when there is nothing else to say.
     */
    private String moved(String program, Map<String, Path> before, String alone) {
        Path was = before.get(program);
        Path now = sources.get(program);
        if (was == null || now == null || was.equals(now)) {
            return "";
        }
        String move = "now defined in " + now + " (was " + was + ")";
        return alone.isEmpty() ? "; " + move : move + "; " + alone;
    }

    private void reportErrors(List<ManifestError> errors, Map<String, Path> sources) {
        Set<ManifestError> before = new HashSet<>(reportedErrors);
        Set<Path> inForce = new HashSet<>(sources.values());
        Set<Path> wasInForce = new HashSet<>(this.sources.values());
        Set<Path> bad = errors.stream().map(ManifestError::file).collect(Collectors.toSet());
        takenOver.removeIf(file -> !bad.contains(file) || !inForce.contains(file));
        bad.stream().filter(file -> inForce.contains(file) && !wasInForce.contains(file)).forEach(takenOver::add);
        errors.stream().filter(e -> !before.contains(e)).forEach(e -> emit(new Event.ManifestInvalid(e,
                takenOver.contains(e.file()) ? Event.ManifestInvalid.Meanwhile.TAKEN_OVER
                        : inForce.contains(e.file()) ? Event.ManifestInvalid.Meanwhile.LAST_GOOD_VERSION
                        : Event.ManifestInvalid.Meanwhile.NOTHING)));
        reportedErrors.stream().map(ManifestError::file).distinct().filter(f -> !bad.contains(f))
                // One stat per file that had errors, when they go: "has no errors" said of a deleted file misleads.
                .forEach(f -> emit(new Event.ManifestRecovered(f, !Files.exists(f))));
        reportedErrors = List.copyOf(errors);
    }

    private ProcessSlot newSlot(ProgramSpec spec, int index) {
        return new ProcessSlot(spec, index, clock, loop, launcher, this::onStateChanged);
    }

    private void onStateChanged(ProcessSlot slot, StateChange change) {
        // First: emit queues the publish, and the actions' results below complete in later owner tasks,
        // which then run after it.
        emit(new Event.ProcessStateChanged(change));
        ProgramController controller = programs.get(change.program());
        if (controller != null && controller.allSlots().contains(slot)) {
            controller.onStateChanged(slot);
        }
        for (ProgramController gone : deleted) {
            if (gone.allSlots().contains(slot)) {
                gone.onStateChanged(slot);
            }
        }
        forgetDeleted();
        actions.onStateChanged(slot);
        if (shutdown != null) {
            continueShutdown();
        }
    }

    /** @param announce false when the program was announced as waiting for its namesake */
    private void add(AddedProgram added, boolean announce) {
        ProgramSpec spec = added.spec();
        if (announce) {
            emit(new Event.ProgramAdded(spec.name(), added.source()));
        }
        intent.clearChanged(spec); // stopped under another version of this manifest (edited while the daemon was down)
        // Once a stop is asked for, autostart leaves every instance alone too: a program's replicas are spawned in one
        // step of the pass, and those after the stop would only be stopped again.
        ProgramController controller = new ProgramController(spec, index -> newSlot(spec, index),
                slot -> intent.stoppedByHand(slot.name()) || shutdownRequested, launcher::release);
        programs.put(spec.name(), controller);
        controller.create();
    }

    private boolean namesakeStopping(String program) {
        return deleted.stream().anyMatch(controller -> controller.name().equals(program));
    }

    private void forgetDeleted() {
        deleted.removeIf(ProgramController::gone); // each of its instances was released as it stopped
        if (shutdown == null && !waitingForNamesake.isEmpty()) {
            List<AddedProgram> ready = waitingForNamesake.values().stream()
                    .filter(waiting -> !namesakeStopping(waiting.spec().name())).toList();
            ready.forEach(waiting -> {
                waitingForNamesake.remove(waiting.spec().name());
                add(waiting, false);
            });
        }
    }

    // ---- operator actions (owner thread) ----------------------------------------------------------

    /**
     * Records what an operator asked for, in order with everything the supervisor reports: an event still
     * held from an earlier task goes out first (a request thread writing to the history directly could get
     * ahead of it), and the action's own transitions, made after this, come after it.
     */
    public void recordOperatorActions(List<Event.OperatorAction> requests) {
        requests.forEach(this::hold);
        // A request changes no state: the snapshot is rebuilt only for earlier events that are still held.
        publishNow();
        deliverHeld();
    }

    /** Whether {@code slot} is one of its program's current instances: not retiring, not of a removed program. */
    private boolean current(ProcessSlot slot) {
        ProgramController controller = programs.get(slot.spec().name());
        return controller != null && controller.slots().contains(slot);
    }

    /** Another instance of {@code slot}'s program on its way back up, which a restart of {@code slot} waits for. */
    private Optional<ProcessSlot> comingUpBeside(ProcessSlot slot) {
        ProgramController controller = programs.get(slot.spec().name());
        return controller == null ? Optional.empty() : controller.comingUpBeside(slot);
    }

    /** The current slot of a process, by name. */
    public Optional<ProcessSlot> slot(String processName) {
        return programs.values().stream().flatMap(c -> c.slots().stream())
                .filter(slot -> slot.name().equals(processName)).findFirst();
    }

    /** Starts processes by hand and completes with each result once RUNNING or failed; none once shutting down. */
    public CompletableFuture<List<Actions.Result>> start(List<String> names, ActionTimeout timeout) {
        return publishedFirst(actions.start(slots(names), timeout));
    }

    /** Stops processes by hand (remembered across restarts) and completes once they are stopped. */
    public CompletableFuture<List<Actions.Result>> stop(List<String> names, ActionTimeout timeout) {
        CompletableFuture<List<Actions.Result>> stopping = actions.stop(slots(names), timeout);
        // A process already down (FATAL, EXITED, STOPPED) makes no transition, but is marked stopped by hand now, which
        // the published view shows (describe, readiness, an apply's effect): not only at the next transition of any other
        publishPending = true;
        return publishedFirst(stopping);
    }

    /** Restarts processes one at a time, each waiting for the previous to be RUNNING again; none once shutting down. */
    public CompletableFuture<List<Actions.Result>> restart(List<String> names, ActionTimeout timeout) {
        return publishedFirst(actions.restart(slots(names), timeout));
    }

    /** Sends a signal to each process. */
    public List<Actions.Result> signal(List<String> names, int signal) {
        return actions.signal(slots(names), signal);
    }

    private List<Actions.Target> slots(List<String> names) {
        // One index per action: `stop all` on a thousand processes must not scan them a thousand times.
        Map<String, ProcessSlot> byName = new HashMap<>();
        programs.values().forEach(c -> c.slots().forEach(slot -> byName.put(slot.name(), slot)));
        Map<String, ProgramSpec> waiting = new HashMap<>();
        waitingForNamesake.values().forEach(w -> {
            for (int index = 0; index < w.spec().replicas(); index++) {
                waiting.put(w.spec().processName(index), w.spec());
            }
        });
        return names.stream().map(name -> new Actions.Target(name, Optional.ofNullable(byName.get(name)),
                Optional.ofNullable(waiting.get(name)))).toList();
    }

    // ---- shutdown -------------------------------------------------------------------------------

    /** Whether {@link #shutdown} has begun: from then on nothing is started, since nothing would stop it. Any thread. */
    public boolean shuttingDown() {
        return shuttingDown;
    }

    /**
     * Whether a stop has been asked for or has begun: an action starts nothing from then on. {@code start all} spawns
     * every process in one owner task, which the shutdown queued behind it would only stop again. Any thread.
     */
    private boolean startsNothing() {
        return shuttingDown || shutdownRequested;
    }

    /**
     * A stop was asked for ({@link #shutdown} follows on the owner): from now on a reconcile pass, also one under way,
     * adds no program. Any thread.
     */
    public void requestShutdown() {
        shutdownRequested = true;
    }

    /**
     * Stops every program, highest priority number first, waiting for each priority level to stop
     * before the next. Nothing starts from then on ({@link ProcessSlot#startNoMore}): processes waiting to be
     * restarted or retried stop at once, in every level. Owner thread; the future completes when nothing runs any more.
     */
    public CompletableFuture<Void> shutdown() {
        if (shutdown == null) {
            shutdown = new CompletableFuture<>();
            shuttingDown = true;
            Map<Integer, List<ProgramController>> byPriority = new TreeMap<>(Comparator.reverseOrder());
            programs.values().forEach(c -> byPriority.computeIfAbsent(c.spec().priority(), p -> new ArrayList<>()).add(c));
            List<List<ProgramController>> levels = new ArrayList<>(byPriority.values());
            levels.add(0, new ArrayList<>(deleted));
            shutdownLevels = levels;
            // Every level at once, not in its turn: a restart or retry waiting on its timer in a lower level would
            // otherwise start its process while a higher level stops (one that holds no child has nothing to stop
            // first), and a process of a lower level that exits meanwhile must not be restarted either.
            continuingShutdown = true; // the transitions this makes: the levels are taken below, after them
            try {
                for (List<ProgramController> level : levels) {
                    for (ProgramController controller : level) {
                        controller.allSlots().forEach(ProcessSlot::startNoMore);
                    }
                }
            } finally {
                continuingShutdown = false;
            }
            continueShutdown();
        }
        return shutdown;
    }

    private void continueShutdown() {
        if (continuingShutdown) {
            // A transition caused by stopAll below (e.g. BACKOFF -> STOPPED): the loop re-checks the level.
            return;
        }
        continuingShutdown = true;
        try {
            while (!shutdownLevels.isEmpty()) {
                List<ProgramController> level = shutdownLevels.get(0);
                level.forEach(ProgramController::stopAll);
                if (!level.stream().allMatch(ProgramController::quiet)) {
                    return;
                }
                shutdownLevels = shutdownLevels.subList(1, shutdownLevels.size());
            }
        } finally {
            continuingShutdown = false;
        }
        try {
            publishNow(); // the last stops reach the history before the daemon exits
        } finally {
            shutdown.complete(null);
        }
    }

    // ---- read side ----------------------------------------------------------------------------------

    /**
     * Publishes once the current owner task is done. `start all` or a cold start makes two transitions per
     * process, and republishing every process on each was quadratic; now a task's transitions share one.
     */
    private void publishSoon() {
        if (!publishPending) {
            publishPending = true;
            loop.execute(this::publishNow);
        }
    }

    /**
     * An action whose outcome was reached at once (a spawn error, startSeconds 0, stopping a process in
     * BACKOFF) completes in this owner task, before the publish {@link #publishSoon} queued: publish now.
     */
    private <T> T publishedFirst(T result) {
        publishNow();
        return result;
    }

    /**
     * Publishes what the tasks before this one changed, if anything, now rather than after the tasks queued since:
     * for a reader that must see the effect of a reconcile queued before it. Owner thread.
     */
    public void publishNow() {
        if (publishPending) {
            publish(snapshot.loaded());
        }
    }

    /** Publishes a new snapshot, then hands the held events to {@link #events}. */
    private void publish(boolean loaded) {
        refreshSnapshot(loaded);
        deliverHeld();
    }

    /**
     * Hands the held events to {@link #events} in order. A consumer that acts on the supervisor meanwhile (on
     * this thread) only adds to the queue being drained, and the snapshot is brought up to date before each
     * event; a consumer that throws does not keep the others from the rest.
     */
    private void deliverHeld() {
        if (delivering) {
            return; // the loop below, further up this thread's stack, delivers what is held
        }
        delivering = true;
        RuntimeException failure = null;
        try {
            for (HeldEvent held; (held = unpublishedEvents.poll()) != null; ) {
                holdsEvents = !unpublishedEvents.isEmpty();
                if (publishPending) {
                    refreshSnapshot(snapshot.loaded());
                }
                try {
                    events.accept(held.event(), held.at());
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        } finally {
            delivering = false;
        }
        if (failure != null) {
            throw failure; // the owner loop logs it
        }
    }

    private void refreshSnapshot(boolean loaded) {
        publishPending = false;
        List<ProgramSnapshot> programViews = new ArrayList<>();
        List<ProcessView> all = new ArrayList<>();
        programs.values().forEach(c -> {
            List<ProcessView> views = c.allSlots().stream().map(slot -> view(slot,
                    c.retiring(slot) ? ProcessView.Removal.SCALED_DOWN : ProcessView.Removal.NONE)).toList();
            programViews.add(new ProgramSnapshot(c.spec(), sources.getOrDefault(c.name(), Path.of("?")), views, false));
            all.addAll(views);
        });
        if (!waitingForNamesake.isEmpty()) {
            // In force, though not started yet: `get programs` lists it and `delete` finds it.
            waitingForNamesake.values().forEach(w -> programViews.add(new ProgramSnapshot(w.spec(), w.source(), List.of(), true)));
            programViews.sort(Comparator.comparing(p -> p.spec().name()));
        }
        deleted.forEach(c -> {
            ProcessView.Removal removal = waitingForNamesake.containsKey(c.name()) ? ProcessView.Removal.REPLACED
                    : ProcessView.Removal.REMOVED;
            c.allSlots().forEach(slot -> all.add(view(slot, removal)));
        });
        all.sort(Comparator.comparing(ProcessView::name));
        snapshot = new Snapshot(List.copyOf(programViews), List.copyOf(all), reportedErrors, loaded, counters.totals());
    }

    /**
     * Logs an event now, and holds it for {@link #events} until the snapshot that shows it is published:
     * {@code get -w} reads the state when an event arrives, and an event sent first let it read the state
     * before, then wait for an event that never came (a STOPPED that stayed STOPPING on the watcher's
     * screen). The log is not held: a cold start spawns every process in one task, and its lines would
     * all have carried the task's end as their time. The publish is queued here too, so events are not
     * held for long even by a task that fails before it publishes.
     */
    private void emit(Event event) {
        hold(event);
        publishSoon();
    }

    /** Logs the event and queues it for {@link #events}, with the time it happened. */
    private void hold(Event event) {
        log.accept(event);
        unpublishedEvents.add(new HeldEvent(event, clock.instant()));
        holdsEvents = true;
    }

    /**
     * Whether events wait for the history, or one is being handed to it and more follow: while one is handed, a
     * stream that ends once every process has stopped must wait for the rest (the snapshot is published first, so
     * it shows every stop of the task while the first of them is handed). Any thread.
     */
    public boolean holdsEvents() {
        return holdsEvents;
    }

    private ProcessView view(ProcessSlot slot, ProcessView.Removal removal) {
        Optional<ProcessLauncher.SlotLogs> logs = launcher.logs(slot);
        // Its sinks' files; before its first start (no sinks yet), the files its spec names.
        return ProcessView.of(slot, intent.stoppedByHand(slot.name()), removal, logs,
                logs.isPresent() ? logs.get().paths() : launcher.plannedLogPaths(slot), launcher.startedCommand(slot));
    }

    /** The latest published state; safe to read from any thread. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Shortcut for {@code snapshot().processes()}. */
    public List<ProcessView> processes() {
        return snapshot.processes();
    }

    /** Has every process's log files opened again at their paths by their next output. Owner thread. */
    public void reopenLogs() {
        launcher.reopenLogs();
    }

    public OwnerLoop loop() {
        return loop;
    }
}
