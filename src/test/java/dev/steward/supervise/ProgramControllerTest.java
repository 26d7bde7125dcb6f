package dev.steward.supervise;

import static dev.steward.supervise.ProcessState.BACKOFF;
import static dev.steward.supervise.ProcessState.EXITED;
import static dev.steward.supervise.ProcessState.FATAL;
import static dev.steward.supervise.ProcessState.RUNNING;
import static dev.steward.supervise.ProcessState.STARTING;
import static dev.steward.supervise.ProcessState.STOPPED;
import static dev.steward.supervise.ProcessState.STOPPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartPolicy;
import dev.steward.supervise.FakeLauncher.FakeChild;
import dev.steward.supervise.FakeLauncher.SentSignal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replicas, in-place changes, rolling restarts and deletion, one program, on a fake clock. */
class ProgramControllerTest {
    private static final int SIGTERM = 15;

    private final ManualLoop loop = new ManualLoop();
    private final FakeLauncher launcher = new FakeLauncher(loop);
    private final List<StateChange> events = new ArrayList<>();
    private final List<String> retired = new ArrayList<>();
    private ProgramController controller;

    // ---- helpers ------------------------------------------------------------------------------------

    /**
     * A controller wired as the daemon wires it: the factory makes slots with the spec the program
     * was added with, and every transition goes back to the controller.
     */
    private ProgramController controller(ProgramSpec spec) {
        controller = new ProgramController(spec, index -> new ProcessSlot(spec, index, loop.clock(), loop, launcher,
                (slot, change) -> {
                    events.add(change);
                    if (controller.allSlots().contains(slot)) {
                        controller.onStateChanged(slot);
                    }
                }), slot -> false, slot -> retired.add(slot.name()));
        return controller;
    }

    /** Created, and every instance RUNNING. */
    private ProgramController running(ProgramSpec spec) {
        ProgramController c = controller(spec);
        c.create();
        loop.advanceSeconds(spec.startSeconds());
        c.slots().forEach(slot -> assertEquals(RUNNING, slot.state(), slot.name()));
        return c;
    }

    private static Specs web(int replicas) {
        return Specs.program("web").replicas(replicas);
    }

    private List<Integer> pids() {
        return controller.slots().stream().map(ProcessSlot::pid).toList();
    }

    private List<ProcessState> states() {
        return controller.slots().stream().map(ProcessSlot::state).toList();
    }

    private FakeChild childOf(ProcessSlot slot) {
        return launcher.children().stream().filter(c -> c.pid() == slot.pid()).findFirst().orElseThrow();
    }

    // ---- create ---------------------------------------------------------------------------------------

    @Test
    void createStartsReplicasSlotsWhenAutostart() {
        controller(web(3).build()).create();

        assertEquals(List.of(0, 1, 2), controller.slots().stream().map(ProcessSlot::index).toList());
        assertEquals(List.of(STARTING, STARTING, STARTING), states());
        assertEquals(3, launcher.launchCount());
        assertEquals(List.of("web-0", "web-1", "web-2"),
                launcher.launches().stream().map(l -> l.slot().name()).toList());
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING, RUNNING, RUNNING), states());
    }

    @Test
    void createStartsNothingWithoutAutostart() {
        controller(web(2).autostart(false).build()).create();

        assertEquals(2, controller.slots().size());
        assertEquals(List.of(STOPPED, STOPPED), states());
        assertEquals(0, launcher.launchCount());
        assertTrue(controller.quiet());
    }

    // ---- scale ----------------------------------------------------------------------------------------

    @Test
    void scaleDownStopsOnlyTheHighestIndex() {
        ProgramSpec three = web(3).build();
        running(three);
        List<Integer> before = pids();

        controller.update(Specs.from(three).replicas(2).build());

        assertEquals(List.of(new SentSignal(before.get(2), SIGTERM, false)), launcher.signalsButCont());
        assertEquals(before.subList(0, 2), pids(), "the others keep their pids");
        assertEquals(List.of(RUNNING, RUNNING), states());
        assertEquals(3, controller.allSlots().size(), "index 2 retires until its process is gone");
        assertEquals(STOPPING, controller.allSlots().get(2).state());
        assertEquals(List.of(), retired, "not let go while its process runs");

        launcher.exit(2, ExitStatus.killedBy(SIGTERM));

        assertEquals(List.of("web-2"), retired);
        assertEquals(2, controller.allSlots().size());
        assertEquals(before.subList(0, 2), pids());
        assertEquals(3, launcher.launchCount(), "nothing started");
        assertEquals(1, launcher.signalsButCont().size());
    }

    @Test
    void scaleUpStartsOnlyTheNewIndex() {
        ProgramSpec two = web(2).build();
        running(two);
        List<Integer> before = pids();
        ProgramSpec three = Specs.from(two).replicas(3).build();

        controller.update(three);

        assertEquals(3, launcher.launchCount(), "one new process");
        assertEquals(2, launcher.lastLaunch().slot().index());
        assertEquals(three, launcher.lastLaunch().spec(), "the new instance runs the current spec");
        assertEquals("web-2", launcher.lastLaunch().slot().name());
        assertEquals(before, pids().subList(0, 2));
        assertEquals(List.of(RUNNING, RUNNING, STARTING), states());
        assertTrue(launcher.signals().isEmpty());
        controller.slots().forEach(slot -> assertEquals(three, slot.spec(), slot.name()));
    }

    @Test
    void scaleUpWithANewCommandStartsTheNewIndexWithIt() {
        ProgramSpec two = web(2).build();
        running(two);
        ProgramSpec three = Specs.from(two).replicas(3).command("/bin/new").build();

        controller.update(three);

        ProcessSlot added = controller.slots().get(2);
        assertEquals(List.of("/bin/new"), launcher.launches().stream()
                .filter(l -> l.slot() == added).findFirst().orElseThrow().spec().command());
    }

    @Test
    void scaleOneToTwoNamesBothInstancesByIndex() {
        ProgramSpec one = web(1).build();
        running(one);
        assertEquals("web", controller.slots().get(0).name());

        controller.update(Specs.from(one).replicas(2).build());

        assertEquals(List.of("web-0", "web-1"), controller.slots().stream().map(ProcessSlot::name).toList());
        assertEquals("web-1", launcher.lastLaunch().slot().name());
        assertTrue(launcher.signals().isEmpty());
    }

    @Test
    void scaleThreeToOneStopsTheRetireesUnderTheirOwnNames() {
        ProgramSpec three = web(3).build();
        running(three);
        events.clear();

        controller.update(Specs.from(three).replicas(1).build());

        assertEquals(List.of("web"), controller.slots().stream().map(ProcessSlot::name).toList(), "the one left is web");
        assertEquals(List.of("web-2", "web-1", "web"), events.stream().map(StateChange::process).toList(),
                "each retiree reports its STOPPING as itself, and web-0 its new name");
        assertTrue(events.get(2).detail().startsWith("renamed from web-0, "), events.get(2).detail());
        assertEquals(List.of("web", "web-2", "web-1"), controller.allSlots().stream().map(ProcessSlot::name).toList());
        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        launcher.exit(2, ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of("web-2", "web-1", "web", "web-1", "web-2"), events.stream().map(StateChange::process).toList());
        assertEquals(1, controller.allSlots().size());
    }

    @Test
    void aRetireeStillStoppingThatComesBackTakesTheCurrentSpec() {
        ProgramSpec three = web(3).build();
        running(three);
        controller.update(Specs.from(three).replicas(2).build());
        ProcessSlot retiree = controller.allSlots().get(2);
        assertEquals(STOPPING, retiree.state());

        ProgramSpec again = Specs.from(three).replicas(3).command("/bin/new").build();
        controller.update(again);

        assertEquals(again, retiree.spec());
        assertEquals("web-2", retiree.name());
        assertEquals(3, controller.slots().size());
    }

    @Test
    void turningAutostartOnStartsTheInstancesThatAreNotUp() {
        ProgramSpec lazy = web(2).autostart(false).build();
        controller(lazy).create();
        assertEquals(List.of(STOPPED, STOPPED), states());

        controller.update(Specs.from(lazy).autostart(true).build());

        assertEquals(List.of(STARTING, STARTING), states());
        assertEquals(2, launcher.launchCount());
        controller.update(Specs.from(lazy).autostart(true).priority(5).build());
        assertEquals(2, launcher.launchCount(), "only the change to autostart starts them");
    }

    @Test
    void turningAutostartOffLeavesRunningInstancesAlone() {
        ProgramSpec eager = web(1).build();
        running(eager);

        controller.update(Specs.from(eager).autostart(false).build());

        assertEquals(List.of(RUNNING), states(), "autostart is about starting, at the daemon's start or on a change");
        assertTrue(launcher.signals().isEmpty());
    }

    // ---- changes --------------------------------------------------------------------------------------

    @Test
    void launchSettingsChangeRestartsRunningSlotsOneAtATime() {
        ProgramSpec before = web(2).build();
        running(before);
        List<Integer> oldPids = pids();
        ProgramSpec after = Specs.from(before).command("/bin/new", "--flag").environment(Map.of("A", "1")).build();

        controller.update(after);

        assertEquals(List.of(new SentSignal(oldPids.get(0), SIGTERM, false)), launcher.signalsButCont(), "first one only");
        assertEquals(List.of(STOPPING, RUNNING), states());

        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(STARTING, RUNNING), states());
        assertEquals(after, launcher.lastLaunch().spec());
        loop.advanceMillis(999);
        assertEquals(1, launcher.signalsButCont().size(), "the second waits while the first is STARTING");

        loop.advanceMillis(1);
        assertEquals(List.of(RUNNING, STOPPING), states());
        assertEquals(new SentSignal(oldPids.get(1), SIGTERM, false), launcher.signalsButCont().get(1));

        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING, RUNNING), states());
        assertEquals(4, launcher.launchCount());
        assertEquals(2, launcher.signalsButCont().size());
        launcher.launches().subList(2, 4).forEach(l -> assertEquals(List.of("/bin/new", "--flag"), l.spec().command()));
        controller.slots().forEach(slot -> assertFalse(slot.outdated(), slot.name()));

        loop.advanceSeconds(3600);
        assertEquals(2, launcher.signalsButCont().size(), "the rollout is over");
    }

    @Test
    void stopDuringARolloutStaysStopped() {
        ProgramSpec before = web(2).build();
        running(before);
        controller.update(Specs.from(before).command("/bin/new").build());
        launcher.exit(0, ExitStatus.killedBy(SIGTERM)); // web-0 goes first, and is STARTING with the new command
        assertEquals(List.of(STARTING, RUNNING), states());

        // `steward stop web` now: both stop, and the new web-0 is quicker to go than the old web-1.
        controller.slots().forEach(ProcessSlot::stop);
        assertEquals(List.of(STOPPING, STOPPING), states());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(STOPPED, STOPPING), states());
        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(3600);

        assertEquals(List.of(STOPPED, STOPPED), states(), "the rollout does not start what the operator stopped");
        assertEquals(3, launcher.launchCount());
    }

    @Test
    void aRolloutWaitsForAnInstanceRestartedByHandInsteadOfTakingDownASecond() {
        ProgramSpec before = web(2).build();
        running(before);
        controller.slots().get(0).restart(); // `steward restart web-0`: stopping, to start again

        controller.update(Specs.from(before).command("/bin/new").build());

        assertEquals(List.of(STOPPING, RUNNING), states(), "one instance down at a time");
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of("/bin/new"), launcher.lastLaunch().spec().command(), "it comes back with the new command");
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING, STOPPING), states(), "then the rollout goes on");
    }

    @Test
    void aRolloutTakesNoSecondInstanceDownWhileOneRestartedByHandComesBackUp() {
        ProgramSpec before = web(3).build();
        running(before);
        controller.update(Specs.from(before).command("/bin/new").build());
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1); // the new web-0 is RUNNING: web-1 goes
        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(500);
        ProcessSlot web0 = controller.slots().get(0);
        web0.restart(); // `steward restart web-0`, with web-1 still STARTING
        childOf(web0).exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(List.of(STARTING, STARTING, RUNNING), states());

        loop.advanceMillis(500);

        assertEquals(List.of(STARTING, RUNNING, RUNNING), states(), "web-2 waits while web-0 comes back up");
        loop.advanceMillis(500);
        assertEquals(List.of(RUNNING, RUNNING, STOPPING), states(), "then the rollout goes on");
    }

    @Test
    void aRestartOfTheProcessARolloutWaitsForTakesNoOtherDownAsItStops() {
        // `steward restart web-2` twice, the second while web-2 is STARTING, with an edit's rollout waiting for it: the
        // rollout saw web-2 STOPPING, not yet marked to start again, as a stop for good and took web-0 down with it.
        ProgramSpec before = web(3).build();
        running(before);
        ProcessSlot web2 = controller.slots().get(2);
        web2.restart();
        childOf(web2).exit(ExitStatus.killedBy(SIGTERM));
        controller.update(Specs.from(before).command("/bin/new").build());
        assertEquals(List.of(RUNNING, RUNNING, STARTING), states(), "the rollout waits while web-2 comes back up");

        web2.restart();

        assertEquals(List.of(RUNNING, RUNNING, STOPPING), states(), "web-0 waits while web-2 comes back up again");
        assertTrue(web2.startPending());
    }

    @Test
    void rolloutWaitsWhileTheFirstIsInBackoff() {
        ProgramSpec before = web(2).build();
        running(before);
        List<Integer> oldPids = pids();

        controller.update(Specs.from(before).command("/bin/flaky").build());
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        launcher.exitLast(ExitStatus.exited(1)); // the new web-0 dies at once

        assertEquals(List.of(BACKOFF, RUNNING), states());
        assertEquals(1, launcher.signalsButCont().size(), "web-1 is not touched while web-0 is not RUNNING");
        loop.advanceSeconds(1); // retried
        assertEquals(List.of(STARTING, RUNNING), states());
        assertEquals(1, launcher.signalsButCont().size());

        loop.advanceSeconds(1); // and up: now web-1 goes
        assertEquals(List.of(RUNNING, STOPPING), states());
        assertEquals(new SentSignal(oldPids.get(1), SIGTERM, false), launcher.signalsButCont().get(1));
    }

    @Test
    void rolloutStopsWhenTheFirstGoesFatal() {
        ProgramSpec before = web(2).startRetries(0).build();
        running(before);
        int oldPid1 = pids().get(1);

        controller.update(Specs.from(before).command("/bin/broken").build());
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        launcher.exitLast(ExitStatus.exited(127));
        loop.advanceSeconds(3600);

        assertEquals(List.of(FATAL, RUNNING), states());
        assertEquals(oldPid1, pids().get(1), "the old web-1 keeps serving");
        assertEquals(1, launcher.signalsButCont().size());

        // A fixed command starts web-0 at once and resumes the rollout once it is RUNNING.
        controller.update(Specs.from(before).command("/bin/fixed").build());
        assertEquals(List.of(STARTING, RUNNING), states());
        assertEquals(List.of("/bin/fixed"), launcher.lastLaunch().spec().command());
        assertEquals(1, launcher.signalsButCont().size());
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING, STOPPING), states());
        assertEquals(new SentSignal(oldPid1, SIGTERM, false), launcher.signalsButCont().get(1));
    }

    @Test
    void nonLaunchChangeSignalsNothing() {
        ProgramSpec before = web(2).build();
        running(before);
        List<Integer> oldPids = pids();
        ProgramSpec after = Specs.from(before).startRetries(7).priority(5).build();

        controller.update(after);
        loop.advanceSeconds(3600);

        assertTrue(launcher.signals().isEmpty());
        assertEquals(2, launcher.launchCount());
        assertEquals(oldPids, pids());
        controller.slots().forEach(slot -> assertEquals(after, slot.spec(), slot.name()));
    }

    @Test
    void fatalSlotWithAChangedCommandIsStartedAgain() {
        ProgramSpec broken = Specs.program("web").startRetries(0).build();
        controller(broken).create();
        launcher.exitLast(ExitStatus.exited(127));
        assertEquals(List.of(FATAL), states());
        ProgramSpec fixed = Specs.from(broken).command("/bin/fixed").build();

        controller.update(fixed);

        assertEquals(List.of(STARTING), states());
        assertEquals(2, launcher.launchCount());
        assertEquals(List.of("/bin/fixed"), launcher.lastLaunch().spec().command());
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING), states());
    }

    @Test
    void aFatalProcessGetsNewStartAttemptsFromAnyChangeOfItsManifest() {
        // supervisord's update restarts a changed program; the fix of one that gave up is often startSeconds itself.
        ProgramSpec tooSlow = web(2).startRetries(0).startSeconds(5).build();
        controller(tooSlow).create();
        launcher.exit(0, ExitStatus.exited(1));
        loop.advanceSeconds(5);
        assertEquals(List.of(FATAL, RUNNING), states());
        int runningPid = pids().get(1);

        controller.update(Specs.from(tooSlow).startSeconds(1).build());

        assertEquals(List.of(STARTING, RUNNING), states());
        assertEquals(3, launcher.launchCount());
        assertEquals(runningPid, pids().get(1), "the running one is left alone");
        assertTrue(launcher.signals().isEmpty());
        loop.advanceSeconds(1);
        assertEquals(List.of(RUNNING, RUNNING), states());
    }

    @Test
    void aFatalProcessOfAProgramWithoutAutostartStaysFatalThroughAChange() {
        ProgramSpec manual = Specs.program("web").startRetries(0).autostart(false).build();
        controller(manual).create();
        controller.slots().get(0).start();
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(List.of(FATAL), states());

        controller.update(Specs.from(manual).startSeconds(0).build());

        assertEquals(List.of(FATAL), states());
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void backoffSlotWithAChangedCommandRetriesAtOnce() {
        ProgramSpec broken = Specs.program("web").build();
        controller(broken).create();
        launcher.exitLast(ExitStatus.exited(127));
        assertEquals(List.of(BACKOFF), states());

        controller.update(Specs.from(broken).command("/bin/fixed").build());

        assertEquals(List.of(STARTING), states());
        assertEquals(2, launcher.launchCount());
        assertEquals(List.of("/bin/fixed"), launcher.lastLaunch().spec().command());
    }

    // ---- restart policy changed in place -------------------------------------------------------------------

    @Test
    void anExitedProcessStartsWhenItsNewRestartPolicyOrExitCodesWouldHaveRestartedIt() {
        ProgramSpec never = Specs.program("job").restartPolicy(RestartPolicy.Never).startSeconds(0).build();
        running(never);
        launcher.exitLast(ExitStatus.exited(0));
        assertEquals(EXITED, controller.slots().get(0).state());

        controller.update(Specs.from(never).restartPolicy(RestartPolicy.OnFailure).build());
        assertEquals(EXITED, controller.slots().get(0).state(), "exit 0 is expected: OnFailure leaves it");
        assertEquals(1, launcher.launchCount());

        controller.update(Specs.from(never).restartPolicy(RestartPolicy.OnFailure).exitCodes(2).build());
        assertEquals(RUNNING, controller.slots().get(0).state(), "exit 0 is a failure now: started");
        assertEquals(2, launcher.launchCount());

        launcher.exitLast(ExitStatus.exited(2));
        controller.update(Specs.from(never).restartPolicy(RestartPolicy.Always).exitCodes(2).build());
        assertEquals(RUNNING, controller.slots().get(0).state(), "Always restarts any exit");
        assertEquals(3, launcher.launchCount());
    }

    @Test
    void aChangedRestartBackoffRestartsNothingAndPacesTheExitsAfterIt() {
        ProgramSpec before = Specs.program("web").startSeconds(0).restartPolicy(RestartPolicy.Always).build();
        running(before);

        controller.update(Specs.from(before).restartBackoff(10, 300, 600).build());

        assertEquals(List.of(RUNNING), states());
        assertEquals(1, launcher.launchCount(), "not a launch setting: the process keeps running");
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(2, launcher.launchCount(), "the first restart in a row is at once");
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertTrue(controller.slots().get(0).restartPending(), "the second waits 10 s");
        loop.advanceSeconds(10);
        assertEquals(3, launcher.launchCount());
    }

    /** restartPolicy Always, restartBackoff {300, 300, 600}: the second crash in a row waits 300 s. */
    private ProgramSpec waitingFiveMinutes() {
        ProgramSpec spec = Specs.program("web").startSeconds(0).restartPolicy(RestartPolicy.Always).restartBackoff(300, 300, 600).build();
        running(spec);
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertTrue(controller.slots().get(0).restartPending());
        assertEquals(2, launcher.launchCount());
        return spec;
    }

    @Test
    void restartPolicyNeverAppliedDuringARestartBackoffWaitCancelsTheRestart() {
        ProgramSpec before = waitingFiveMinutes();
        events.clear();

        controller.update(Specs.from(before).restartPolicy(RestartPolicy.Never).build());

        assertEquals(List.of(EXITED), states());
        assertFalse(controller.slots().get(0).restartPending());
        assertEquals(List.of("restart cancelled: its spec no longer restarts this exit (restartPolicy: Never)"),
                events.stream().map(StateChange::detail).toList());
        loop.advanceSeconds(300);
        assertEquals(2, launcher.launchCount(), "not spawned when the old wait ends");
    }

    @Test
    void restartBackoffRemovedDuringItsWaitRestartsAtOnce() {
        ProgramSpec before = waitingFiveMinutes();
        loop.advanceSeconds(10);

        controller.update(Specs.from(before).noRestartBackoff().build());
        loop.runPending();
        loop.advance(Duration.ZERO);

        assertEquals(3, launcher.launchCount(), "not 290 s later");
        assertEquals(List.of(RUNNING), states());
    }

    // ---- delete ---------------------------------------------------------------------------------------

    @Test
    void deleteStopsAllHighestIndexFirstAndIsGoneAfterTheLastExit() {
        running(web(3).build());
        List<Integer> oldPids = pids();

        controller.delete();

        assertEquals(List.of(new SentSignal(oldPids.get(2), SIGTERM, false),
                new SentSignal(oldPids.get(1), SIGTERM, false),
                new SentSignal(oldPids.get(0), SIGTERM, false)), launcher.signalsButCont());
        assertTrue(controller.slots().isEmpty());
        assertFalse(controller.gone());

        launcher.exit(2, ExitStatus.killedBy(SIGTERM));
        assertFalse(controller.gone());
        launcher.exit(0, ExitStatus.exited(0));
        assertFalse(controller.gone());
        assertEquals(List.of("web-2", "web-0"), retired);
        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        assertTrue(controller.gone());
        assertTrue(controller.quiet());
        assertEquals(3, launcher.launchCount(), "nothing restarted");
        assertEquals(List.of("web-2", "web-0", "web-1"), retired, "each let go once, as its process ended");
    }

    @Test
    void deleteOfAQuietProgramIsGoneAtOnce() {
        controller(web(2).autostart(false).build()).create();

        controller.delete();

        assertTrue(controller.gone());
        assertTrue(launcher.signals().isEmpty());
        assertEquals(List.of("web-1", "web-0"), retired);
    }

    @Test
    void deleteDuringARolloutRestartsNothing() {
        ProgramSpec before = web(2).build();
        running(before);
        controller.update(Specs.from(before).command("/bin/new").build());
        assertEquals(1, launcher.signalsButCont().size());

        controller.delete();
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        launcher.exit(1, ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(3600);

        assertTrue(controller.gone());
        assertEquals(2, launcher.launchCount());
    }
}
