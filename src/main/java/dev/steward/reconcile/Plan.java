package dev.steward.reconcile;

import dev.steward.manifest.ProgramSpec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The difference between what is supervised and what the manifests say, per program. Programs to
 * add are ordered by priority (lower first), as Supervisor starts them.
 */
public record Plan(List<ProgramSpec> added, List<ProgramSpec> changed, List<String> removed) {

    public static Plan between(Map<String, ProgramSpec> current, Map<String, ProgramSpec> desired) {
        List<ProgramSpec> added = new ArrayList<>();
        List<ProgramSpec> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        current.keySet().stream().filter(name -> !desired.containsKey(name)).forEach(removed::add);
        desired.forEach((name, spec) -> {
            ProgramSpec now = current.get(name);
            if (now == null) {
                added.add(spec);
            } else if (!now.equals(spec)) {
                changed.add(spec);
            }
        });
        added.sort(Comparator.comparingInt(ProgramSpec::priority).thenComparing(ProgramSpec::name));
        return new Plan(List.copyOf(added), List.copyOf(changed), List.copyOf(removed));
    }

    /** What moving from {@code before} to {@code after} does to the program's processes, in words. */
    public static String effect(ProgramSpec before, ProgramSpec after) {
        return effect(before, after, Map.of());
    }

    /**
     * The same, for a program some of whose processes were stopped by hand.
     *
     * @param stoppedByHand the processes stopped by hand, by name and index: a changed manifest ends that, so the
     *                      ones the change keeps are started when the program starts by itself
     */
    public static String effect(ProgramSpec before, ProgramSpec after, Map<String, Integer> stoppedByHand) {
        return effect(before, after, stoppedByHand, Map.of());
    }

    /**
     * The same, for a program some of whose processes were stopped by hand or gave up.
     *
     * @param fatal the processes in FATAL, by name and index: a changed manifest gives those it keeps new start attempts
     *              when the program starts by itself
     */
    public static String effect(ProgramSpec before, ProgramSpec after, Map<String, Integer> stoppedByHand,
                                Map<String, Integer> fatal) {
        List<String> effects = new ArrayList<>();
        boolean launchChanged = !before.launchSettings().equals(after.launchSettings());
        if (launchChanged) {
            effects.add("restarting its processes one at a time (launch settings changed)");
        }
        if (before.replicas() != after.replicas()) {
            effects.add("scaling " + before.replicas() + " -> " + after.replicas());
        }
        boolean autostartTurnedOn = after.autostart() && !before.autostart();
        if (autostartTurnedOn) {
            effects.add("starting its processes that are not up (autostart turned on)");
        }
        List<String> started = after.autostart() && !autostartTurnedOn ? stoppedByHand.entrySet().stream()
                .filter(process -> process.getValue() < after.replicas()).map(Map.Entry::getKey).sorted().toList() : List.of();
        if (!started.isEmpty()) {
            effects.add("starting " + String.join(", ", started) + ", stopped by hand (a changed manifest ends that)");
        }
        // A launch change or autostart turned on starts them already, and says so.
        List<String> retried = after.autostart() && !autostartTurnedOn && !launchChanged ? fatal.entrySet().stream()
                .filter(process -> process.getValue() < after.replicas() && !stoppedByHand.containsKey(process.getKey()))
                .map(Map.Entry::getKey).sorted().toList() : List.of();
        if (!retried.isEmpty()) {
            effects.add("starting " + String.join(", ", retried) + " again, FATAL (a changed manifest gives it new start attempts)");
        }
        if (effects.isEmpty()) {
            effects.add("applied in place, nothing restarted");
        }
        return String.join("; ", effects);
    }
}
