package dev.steward.api;

import dev.steward.control.ProcessInfo;
import dev.steward.control.ProgramView;
import dev.steward.manifest.ManifestWriter.Action;
import dev.steward.manifest.ManifestWriter.Change;
import dev.steward.manifest.ProgramSpec;
import dev.steward.reconcile.Plan;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Words for what a manifest change makes the daemon do, using the reconciler's own wording where it has one. */
final class ApplyResults {

    private ApplyResults() {
    }

    /**
     * @param inForce the program as supervised before the change was written: what the daemon compares the new version
     *                with, so what it restarts. The file's old version says the same but where the daemon rejects that
     *                file and keeps its last good version in force (a process name another program has), or has not
     *                read an operator's save yet. A program not in force (its file rejected from the start, or not read
     *                yet) has nothing running to restart: the daemon starts it, as a created one
     */
    static ApplyResultDto of(Change change, Optional<ProgramView> inForce, boolean dryRun) {
        Optional<ProgramSpec> before = inForce.map(ProgramView::spec);
        boolean restarts = change.action() == Action.CONFIGURED && before.isPresent() && change.after().isPresent()
                && !before.get().launchSettings().equals(change.after().get().launchSettings());
        return new ApplyResultDto(change.program(), change.action().label(), change.file().toString(), restarts,
                effect(change, before, processes(inForce, ProcessInfo::stoppedByHand),
                        processes(inForce, process -> process.state().equals("FATAL"))), dryRun);
    }

    /** The program's processes that {@code which} picks, by name and index. */
    private static Map<String, Integer> processes(Optional<ProgramView> program, Predicate<ProcessInfo> which) {
        Map<String, Integer> picked = new HashMap<>();
        program.ifPresent(p -> p.processes().stream().filter(which)
                .forEach(process -> picked.put(process.name(), process.index())));
        return picked;
    }

    private static String effect(Change change, Optional<ProgramSpec> before, Map<String, Integer> stoppedByHand,
                                 Map<String, Integer> fatal) {
        return switch (change.action()) {
            case CREATED -> created(change.after().orElseThrow());
            case CONFIGURED -> before.map(old -> Plan.effect(old, change.after().orElseThrow(), stoppedByHand, fatal))
                    .orElseGet(() -> created(change.after().orElseThrow()));
            case UNCHANGED -> "nothing to do: the manifest already says this";
            case DELETED -> "stopping its processes with its stop policy, then forgetting it";
        };
    }

    private static String created(ProgramSpec spec) {
        if (spec.replicas() == 0) {
            return "added with 0 replicas: nothing to start";
        }
        if (!spec.autostart()) {
            return "added, not started (autostart: false); start it with `steward start " + spec.name() + "`";
        }
        return "starting " + spec.replicas() + (spec.replicas() == 1 ? " process" : " processes");
    }
}
