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
        List<String> effects = new ArrayList<>();
        if (!before.launchSettings().equals(after.launchSettings())) {
            effects.add("restarting its processes one at a time (launch settings changed)");
        }
        if (before.replicas() != after.replicas()) {
            effects.add("scaling " + before.replicas() + " -> " + after.replicas());
        }
        if (effects.isEmpty()) {
            effects.add("applied in place, nothing restarted");
        }
        return String.join("; ", effects);
    }
}
