package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Keeps one program's processes equal to its spec: creates and retires instances when
 * {@code replicas} changes, applies supervisor-only settings in place, and rolls a changed command,
 * environment, directory, user, umask or log file through the running instances one at a time.
 * Owner thread only.
 */
public final class ProgramController {
    private final Function<Integer, ProcessSlot> slotFactory;
    private final Predicate<ProcessSlot> stoppedByHand;
    private final Consumer<ProcessSlot> retired;
    private final List<ProcessSlot> slots = new ArrayList<>();
    private final List<ProcessSlot> retiring = new ArrayList<>();
    private ProgramSpec spec;
    private boolean deleting;
    private ProcessSlot rollingSlot;

    /** @param slotFactory makes the slot for an instance index, bound to this controller's listener */
    public ProgramController(ProgramSpec spec, Function<Integer, ProcessSlot> slotFactory) {
        this(spec, slotFactory, slot -> false, slot -> { });
    }

    /**
     * @param stoppedByHand instances an operator stopped: autostart leaves them alone
     * @param retired       told of each instance dropped for good (scaled away or deleted) once its process is gone,
     *                      so that what it holds (log files, in-memory tails) is let go
     */
    public ProgramController(ProgramSpec spec, Function<Integer, ProcessSlot> slotFactory, Predicate<ProcessSlot> stoppedByHand,
                             Consumer<ProcessSlot> retired) {
        this.spec = spec;
        this.slotFactory = slotFactory;
        this.stoppedByHand = stoppedByHand;
        this.retired = retired;
    }

    /** First pass: creates the instances and starts them when {@code autostart}. */
    public void create() {
        for (int i = 0; i < spec.replicas(); i++) {
            slots.add(slotFactory.apply(i));
        }
        if (spec.autostart()) {
            slots.stream().filter(slot -> !stoppedByHand.test(slot)).forEach(ProcessSlot::start);
        }
    }

    /** Moves to {@code newSpec}, touching only what the difference requires. */
    public void update(ProgramSpec newSpec) {
        boolean launchChanged = !newSpec.launchSettings().equals(spec.launchSettings());
        // supervisord's update starts a group whose autostart was turned on; nothing else would start it now.
        boolean autostartTurnedOn = newSpec.autostart() && !spec.autostart();
        spec = newSpec;
        // Instances beyond the new count retire first, under the spec they ran with: a process's name follows
        // its spec's replicas (one replica is "web", more are "web-0", "web-1"), and web-1 and web-2 must stop
        // and be reported as themselves, not as a second and third "web".
        retireExtras();
        slots.forEach(slot -> slot.updateSpec(newSpec));
        scale();
        // As if it had exited just now under the new settings.
        slots.stream().filter(ProcessSlot::restartsUnderItsSpecNow).forEach(ProcessSlot::start);
        if (spec.autostart()) {
            // A FATAL process gets new start attempts from any change, as supervisord's update restarts a changed
            // program: what made it give up is often in the manifest (startSeconds, startRetries), and nothing runs to
            // be disrupted. A change ends "stopped by hand" too.
            for (ProcessSlot slot : slots) {
                if (slot.state() == ProcessState.FATAL && !stoppedByHand.test(slot)) {
                    slot.start();
                }
            }
        }
        if (launchChanged || autostartTurnedOn) {
            // Instances that are not up take the new settings at once; up ones roll, one at a time.
            for (ProcessSlot slot : slots) {
                if (!slot.active() && spec.autostart()) {
                    slot.start();
                } else if (launchChanged && slot.state() == ProcessState.BACKOFF) {
                    slot.restart();
                }
            }
        }
        rollOn();
    }

    private void retireExtras() {
        while (slots.size() > spec.replicas()) {
            ProcessSlot removed = slots.remove(slots.size() - 1);
            retiring.add(removed);
            removed.stop();
        }
    }

    private void scale() {
        while (slots.size() < spec.replicas()) {
            int index = slots.size();
            ProcessSlot slot = retiring.stream().filter(s -> s.index() == index).findFirst().orElse(null);
            if (slot != null) {
                retiring.remove(slot); // still stopping: it comes back, and runs the current spec once restarted
            } else {
                slot = slotFactory.apply(index);
            }
            // The factory may hold the spec the program was added with; an instance runs the current one.
            slot.updateSpec(spec);
            slots.add(slot);
            if (spec.autostart() && !stoppedByHand.test(slot)) {
                slot.start();
            }
        }
        dropStoppedRetirees();
    }

    /** Stops every instance (highest index first) and forgets the program once all have stopped. */
    public void delete() {
        deleting = true;
        List<ProcessSlot> all = new ArrayList<>(slots);
        all.sort(Comparator.comparingInt(ProcessSlot::index).reversed());
        retiring.addAll(all);
        slots.clear();
        all.forEach(ProcessSlot::stop);
        dropStoppedRetirees();
    }

    /** Stops every instance; used by shutdown. */
    public void stopAll() {
        slots.forEach(ProcessSlot::stop);
        retiring.forEach(ProcessSlot::stop);
    }

    /** Called by the owner for each transition of one of this program's slots. */
    public void onStateChanged(ProcessSlot slot) {
        if (retiring.contains(slot)) {
            dropStoppedRetirees();
        } else {
            rollOn();
        }
    }

    private void dropStoppedRetirees() {
        for (Iterator<ProcessSlot> it = retiring.iterator(); it.hasNext(); ) {
            ProcessSlot slot = it.next();
            if (!slot.active()) {
                it.remove();
                slot.startNoMore(); // forgotten from now on: a start by a stale reference would leave a child no one stops
                retired.accept(slot);
            }
        }
    }

    private void rollOn() {
        if (deleting) {
            return;
        }
        if (rollingSlot != null && slots.contains(rollingSlot) && (rollingSlot.startPending()
                || rollingSlot.state() == ProcessState.STOPPING || rollingSlot.state() == ProcessState.STARTING
                || rollingSlot.state() == ProcessState.BACKOFF || rollingSlot.state() == ProcessState.FATAL)) {
            // The next instance goes only once this one is RUNNING again: a broken change stops here.
            return;
        }
        rollingSlot = null;
        for (ProcessSlot slot : slots) { // a plain loop: this runs on every state change of every process
            // One stopping for good (`stop` during a rollout) is left to it: a restart here would start it again once
            // stopped. One stopping to start again (`restart` by hand) comes back with the current spec: the rollout
            // waits for it, as for its own, instead of taking a second instance down meanwhile.
            if (slot.outdated() && (slot.state() != ProcessState.STOPPING || slot.startPending())
                    && !stoppedByHand.test(slot)) {
                // One instance down at a time, whatever took another down (a restart by hand, a crash): a RUNNING one
                // goes once that one is back up, at its next transition. One not up yet is taken down at once.
                if (slot.state() != ProcessState.RUNNING || comingUpBeside(slot).isEmpty()) {
                    rollingSlot = slot;
                    slot.restart();
                }
                return;
            }
        }
    }

    /** Another current instance than {@code slot} on its way back up ({@link ProcessSlot#comingUp()}), if any. */
    public Optional<ProcessSlot> comingUpBeside(ProcessSlot slot) {
        for (ProcessSlot other : slots) {
            if (other != slot && other.comingUp()) {
                return Optional.of(other);
            }
        }
        return Optional.empty();
    }

    public ProgramSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** The current instances, by index; retiring ones are not included. */
    public List<ProcessSlot> slots() {
        return List.copyOf(slots);
    }

    /** Current and retiring instances. */
    public List<ProcessSlot> allSlots() {
        List<ProcessSlot> all = new ArrayList<>(slots);
        all.addAll(retiring);
        return all;
    }

    /** Stopping to go: beyond the replicas of a scale down, or any instance of a deleted program. */
    public boolean retiring(ProcessSlot slot) {
        return retiring.contains(slot);
    }

    /** True once a deleted program has no process left. */
    public boolean gone() {
        return deleting && retiring.isEmpty();
    }

    /** True when no instance is up or stopping. */
    public boolean quiet() {
        return allSlots().stream().noneMatch(ProcessSlot::active);
    }
}
