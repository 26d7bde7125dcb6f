package dev.steward.supervise;

import dev.steward.events.Event;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import dev.steward.reconcile.DesiredState;
import dev.steward.reconcile.Plan;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The single owner of supervision state: the desired snapshot, every program controller and process
 * slot. All methods run on the owner loop; other threads post to it. Reconcile is level-triggered:
 * {@link #apply} diffs the latest desired snapshot against what is supervised and acts on the
 * difference only.
 */
public final class Supervisor {
    private final OwnerLoop loop;
    private final Clock clock;
    private final ProcessLauncher launcher;
    private final Consumer<Event> events;
    private final Map<String, ProgramController> programs = new TreeMap<>();
    private final List<ProgramController> deleted = new ArrayList<>();
    private List<ManifestError> reportedErrors = List.of();
    private CompletableFuture<Void> shutdown;
    private List<List<ProgramController>> shutdownLevels = List.of();
    private volatile List<ProcessView> processes = List.of();

    public Supervisor(OwnerLoop loop, Clock clock, ProcessLauncher launcher, Consumer<Event> events) {
        this.loop = loop;
        this.clock = clock;
        this.launcher = launcher;
        this.events = events;
    }

    /** Reconciles towards {@code desired}. Owner thread. */
    public void apply(DesiredState desired) {
        if (shutdown != null) {
            return;
        }
        reportErrors(desired.errors());
        Map<String, ProgramSpec> current = new LinkedHashMap<>();
        programs.forEach((name, controller) -> current.put(name, controller.spec()));
        Plan plan = Plan.between(current, desired.programs());
        for (String name : plan.removed()) {
            ProgramController controller = programs.remove(name);
            events.accept(new Event.ProgramRemoved(name));
            controller.delete();
            deleted.add(controller);
        }
        for (ProgramSpec spec : plan.changed()) {
            ProgramController controller = programs.get(spec.name());
            events.accept(new Event.ProgramChanged(spec.name(), Plan.effect(controller.spec(), spec)));
            controller.update(spec);
            controller.allSlots().forEach(launcher::updateLimits);
        }
        for (ProgramSpec spec : plan.added()) {
            events.accept(new Event.ProgramAdded(spec.name(), desired.sources().getOrDefault(spec.name(), Path.of("?"))));
            ProgramController controller = new ProgramController(spec, index -> newSlot(spec, index));
            programs.put(spec.name(), controller);
            controller.create();
        }
        forgetDeleted();
        publish();
    }

    private void reportErrors(List<ManifestError> errors) {
        Set<ManifestError> before = new HashSet<>(reportedErrors);
        errors.stream().filter(e -> !before.contains(e)).forEach(e -> events.accept(new Event.ManifestInvalid(e)));
        Set<Path> stillBad = errors.stream().map(ManifestError::file).collect(Collectors.toSet());
        reportedErrors.stream().map(ManifestError::file).distinct().filter(f -> !stillBad.contains(f))
                .forEach(f -> events.accept(new Event.ManifestRecovered(f)));
        reportedErrors = List.copyOf(errors);
    }

    private ProcessSlot newSlot(ProgramSpec spec, int index) {
        return new ProcessSlot(spec, index, clock, loop, launcher, this::onStateChanged);
    }

    private void onStateChanged(ProcessSlot slot, StateChange change) {
        events.accept(new Event.ProcessStateChanged(change));
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
        publish();
        if (shutdown != null) {
            continueShutdown();
        }
    }

    private void forgetDeleted() {
        deleted.removeIf(controller -> {
            if (!controller.gone()) {
                return false;
            }
            controller.allSlots().forEach(launcher::release);
            return true;
        });
    }

    /**
     * Stops every program, highest priority number first, waiting for each priority level to stop
     * before the next. Owner thread; the future completes when nothing runs any more.
     */
    public CompletableFuture<Void> shutdown() {
        if (shutdown == null) {
            shutdown = new CompletableFuture<>();
            Map<Integer, List<ProgramController>> byPriority = new TreeMap<>(Comparator.reverseOrder());
            programs.values().forEach(c -> byPriority.computeIfAbsent(c.spec().priority(), p -> new ArrayList<>()).add(c));
            List<List<ProgramController>> levels = new ArrayList<>(byPriority.values());
            levels.add(0, new ArrayList<>(deleted));
            shutdownLevels = levels;
            continueShutdown();
        }
        return shutdown;
    }

    private void continueShutdown() {
        while (!shutdownLevels.isEmpty()) {
            List<ProgramController> level = shutdownLevels.get(0);
            level.forEach(ProgramController::stopAll);
            if (!level.stream().allMatch(ProgramController::quiet)) {
                return;
            }
            shutdownLevels = shutdownLevels.subList(1, shutdownLevels.size());
        }
        shutdown.complete(null);
    }

    private void publish() {
        List<ProcessView> views = new ArrayList<>();
        programs.values().forEach(c -> c.allSlots().forEach(slot -> views.add(ProcessView.of(slot))));
        deleted.forEach(c -> c.allSlots().forEach(slot -> views.add(ProcessView.of(slot))));
        processes = List.copyOf(views);
    }

    /** An immutable snapshot of every supervised process; safe to read from any thread. */
    public List<ProcessView> processes() {
        return processes;
    }

    public OwnerLoop loop() {
        return loop;
    }
}
