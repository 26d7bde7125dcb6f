package dev.steward.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.LogsSpec;
import dev.steward.manifest.ProgramSpec;
import dev.steward.supervise.Specs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a reconcile pass adds, changes and removes, and how it says what a change does. */
class PlanTest {

    private static Map<String, ProgramSpec> byName(ProgramSpec... specs) {
        Map<String, ProgramSpec> map = new HashMap<>();
        for (ProgramSpec spec : specs) {
            map.put(spec.name(), spec);
        }
        return map;
    }

    private static List<String> names(List<ProgramSpec> specs) {
        return specs.stream().map(ProgramSpec::name).toList();
    }

    @Test
    void addedAreSortedByPriorityThenName() {
        Map<String, ProgramSpec> desired = byName(
                Specs.program("zeta").priority(1).build(),
                Specs.program("gamma").build(),
                Specs.program("alpha").priority(5).build(),
                Specs.program("beta").priority(1).build(),
                Specs.program("delta").priority(-3).build());

        Plan plan = Plan.between(Map.of(), desired);

        assertEquals(List.of("delta", "beta", "zeta", "alpha", "gamma"), names(plan.added()));
        assertTrue(plan.changed().isEmpty());
        assertTrue(plan.removed().isEmpty());
    }

    @Test
    void changedRemovedAndUnchanged() {
        ProgramSpec same = Specs.defaults("same");
        ProgramSpec retries = Specs.defaults("retries");
        ProgramSpec command = Specs.defaults("command");
        ProgramSpec gone = Specs.defaults("gone");
        ProgramSpec alsoGone = Specs.defaults("also-gone");
        ProgramSpec retriesAfter = Specs.from(retries).startRetries(9).build();
        ProgramSpec commandAfter = Specs.from(command).command("/bin/other").build();
        ProgramSpec added = Specs.defaults("added");

        Plan plan = Plan.between(byName(same, retries, command, gone, alsoGone),
                byName(Specs.defaults("same"), retriesAfter, commandAfter, added));

        assertEquals(List.of(added), plan.added());
        assertEquals(Set.of(retriesAfter, commandAfter), new HashSet<>(plan.changed()), "the desired specs");
        assertEquals(2, plan.changed().size());
        assertEquals(Set.of("gone", "also-gone"), new HashSet<>(plan.removed()));
        assertEquals(2, plan.removed().size());
    }

    @Test
    void equalSpecsMakeAnEmptyPlan() {
        Plan plan = Plan.between(byName(Specs.defaults("a"), Specs.defaults("b")),
                byName(Specs.defaults("a"), Specs.defaults("b")));

        assertTrue(plan.added().isEmpty());
        assertTrue(plan.changed().isEmpty());
        assertTrue(plan.removed().isEmpty());
    }

    @Test
    void planListsAreImmutable() {
        Plan plan = Plan.between(byName(Specs.defaults("old")), byName(Specs.defaults("new")));

        assertThrows(UnsupportedOperationException.class, () -> plan.added().clear());
        assertThrows(UnsupportedOperationException.class, () -> plan.changed().clear());
        assertThrows(UnsupportedOperationException.class, () -> plan.removed().clear());
    }

    @Test
    void effectOfALaunchChange() {
        ProgramSpec before = Specs.defaults("web");

        assertEquals("restarting its processes one at a time (launch settings changed)",
                Plan.effect(before, Specs.from(before).command("/bin/other").build()));
        assertEquals("restarting its processes one at a time (launch settings changed)",
                Plan.effect(before, Specs.from(before).environment(Map.of("A", "1")).build()));
        assertEquals("restarting its processes one at a time (launch settings changed)",
                Plan.effect(before, Specs.from(before).logs(new LogsSpec(
                        new LogsSpec.StreamLogSpec("/var/log/web.log", 1024, 1),
                        LogsSpec.StreamLogSpec.defaults(), false)).build()));
    }

    @Test
    void effectOfScaling() {
        ProgramSpec before = Specs.program("web").replicas(2).build();

        assertEquals("scaling 2 -> 3", Plan.effect(before, Specs.from(before).replicas(3).build()));
        assertEquals("scaling 2 -> 1", Plan.effect(before, Specs.from(before).replicas(1).build()));
    }

    @Test
    void effectOfALaunchChangeAndScaling() {
        ProgramSpec before = Specs.program("web").replicas(2).build();

        assertEquals("restarting its processes one at a time (launch settings changed); scaling 2 -> 3",
                Plan.effect(before, Specs.from(before).replicas(3).command("/bin/other").build()));
    }

    @Test
    void effectOfASupervisorOnlyChange() {
        ProgramSpec before = Specs.defaults("web");

        assertEquals("applied in place, nothing restarted",
                Plan.effect(before, Specs.from(before).startRetries(9).priority(1).stopSignal(2).build()));
        assertEquals("applied in place, nothing restarted",
                Plan.effect(before, Specs.from(before).restartBackoff(10, 300, 600).build()), "restartBackoff is read at an exit");
        assertEquals("applied in place, nothing restarted",
                Plan.effect(before, Specs.from(before).logs(new LogsSpec(
                        new LogsSpec.StreamLogSpec(LogsSpec.StreamLogSpec.AUTO, 1024, 1),
                        LogsSpec.StreamLogSpec.defaults(), false)).build()),
                "rotation limits are not launch settings");
    }

    @Test
    void effectNamesTheProcessesStoppedByHandThatAChangeStarts() {
        ProgramSpec before = Specs.program("web").replicas(3).build();
        Map<String, Integer> held = Map.of("web-2", 2, "web-1", 1);

        assertEquals("starting web-1, web-2, stopped by hand (a changed manifest ends that)",
                Plan.effect(before, Specs.from(before).startRetries(9).build(), held));
        assertEquals("scaling 3 -> 2; starting web-1, stopped by hand (a changed manifest ends that)",
                Plan.effect(before, Specs.from(before).replicas(2).build(), held), "web-2 retires");
        assertEquals("applied in place, nothing restarted",
                Plan.effect(before, Specs.from(before).autostart(false).build(), held), "nothing starts by itself");
    }

    @Test
    void effectNamesTheFatalProcessesThatAChangeStartsAgain() {
        ProgramSpec before = Specs.program("web").replicas(3).build();
        Map<String, Integer> fatal = Map.of("web-2", 2, "web-0", 0);

        assertEquals("starting web-0, web-2 again, FATAL (a changed manifest gives it new start attempts)",
                Plan.effect(before, Specs.from(before).startSeconds(5).build(), Map.of(), fatal));
        assertEquals("scaling 3 -> 2; starting web-0 again, FATAL (a changed manifest gives it new start attempts)",
                Plan.effect(before, Specs.from(before).replicas(2).build(), Map.of(), fatal), "web-2 retires");
        assertEquals("starting web-2, stopped by hand (a changed manifest ends that); starting web-0 again, FATAL (a"
                        + " changed manifest gives it new start attempts)",
                Plan.effect(before, Specs.from(before).startRetries(9).build(), Map.of("web-2", 2), fatal), "said once");
        assertEquals("applied in place, nothing restarted",
                Plan.effect(before, Specs.from(before).autostart(false).build(), Map.of(), fatal), "nothing starts by itself");
        assertEquals("restarting its processes one at a time (launch settings changed)",
                Plan.effect(before, Specs.from(before).command("/bin/fixed").build(), Map.of(), fatal));
    }

    @Test
    void effectOfTurningAutostartOn() {
        ProgramSpec lazy = Specs.program("web").autostart(false).build();

        assertEquals("starting its processes that are not up (autostart turned on)",
                Plan.effect(lazy, Specs.from(lazy).autostart(true).build(), Map.of("web", 0)));
        assertEquals("applied in place, nothing restarted", Plan.effect(Specs.from(lazy).autostart(true).build(), lazy));
    }
}
