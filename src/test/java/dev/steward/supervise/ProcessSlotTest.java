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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * One test per edge of Supervisor's process state machine, on a fake clock: each puts a slot in a
 * state, takes one step, and checks the state reached and the transitions reported.
 */
class ProcessSlotTest {
    private static final int PID1 = FakeLauncher.FIRST_PID;
    private static final int PID2 = FakeLauncher.FIRST_PID + 1;
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;
    private static final int SIGCONT = 18;

    private final ManualLoop loop = new ManualLoop();
    private final FakeLauncher launcher = new FakeLauncher(loop);
    private final List<StateChange> events = new ArrayList<>();
    /** The slot's clock: the loop's, unless a test gives one that moves on its own. */
    private Clock slotClock;

    // ---- helpers ------------------------------------------------------------------------------------

    private static Specs web() {
        return Specs.program("web");
    }

    private ProcessSlot slot(Specs specs) {
        return slot(specs.build());
    }

    private ProcessSlot slot(ProgramSpec spec) {
        return new ProcessSlot(spec, 0, slotClock != null ? slotClock : loop.clock(), loop, launcher, (slot, change) -> {
            assertEquals(slot.state(), change.to(), "reported after the state changed");
            events.add(change);
        });
    }

    /** A slot whose child has been up {@code startSeconds}: RUNNING, events consumed. */
    private ProcessSlot running(Specs specs) {
        ProcessSlot slot = slot(specs);
        slot.start();
        loop.advanceSeconds(slot.spec().startSeconds());
        assertEquals(RUNNING, slot.state());
        events.clear();
        return slot;
    }

    /** A slot whose first child was just spawned: STARTING, events consumed. */
    private ProcessSlot starting(Specs specs) {
        ProcessSlot slot = slot(specs);
        slot.start();
        assertEquals(STARTING, slot.state());
        events.clear();
        return slot;
    }

    /** A slot whose first child died at once: BACKOFF (backoff 1), events consumed. */
    private ProcessSlot backoff(Specs specs) {
        ProcessSlot slot = starting(specs);
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(BACKOFF, slot.state());
        events.clear();
        return slot;
    }

    /** Asserts the transitions reported since the last call, as {@code FROM->TO}, and consumes them. */
    private void assertTransitions(String... expected) {
        List<String> actual = events.stream().map(c -> c.from() + "->" + c.to()).toList();
        assertEquals(Arrays.asList(expected), actual, "transitions reported: " + events);
        events.clear();
    }

    private StateChange onlyEvent() {
        assertEquals(1, events.size(), "events: " + events);
        return events.get(0);
    }

    private StateChange lastEvent() {
        return events.get(events.size() - 1);
    }

    // ---- STOPPED / EXITED / FATAL -> STARTING ----------------------------------------------------

    @Test
    void startFromStoppedSpawns() {
        ProcessSlot slot = slot(web());
        assertEquals(STOPPED, slot.state());
        assertFalse(slot.everStarted());

        slot.start();

        assertEquals(STARTING, slot.state());
        assertEquals(1, launcher.launchCount());
        assertEquals(PID1, slot.pid());
        assertTrue(slot.everStarted());
        assertEquals(0, slot.restarts(), "a requested start is not a restart");
        StateChange change = onlyEvent();
        assertEquals("web", change.program());
        assertEquals("web", change.process());
        assertEquals(PID1, change.pid());
        assertEquals("pid " + PID1, change.detail());
        assertEquals(loop.now(), change.at());
        assertTransitions("STOPPED->STARTING");
    }

    @Test
    void startFromFatalAndExited() {
        ProcessSlot fatal = backoff(web().startRetries(1));
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(FATAL, fatal.state());
        events.clear();
        int before = launcher.launchCount();

        fatal.start();

        assertEquals(STARTING, fatal.state());
        assertEquals(before + 1, launcher.launchCount());
        assertTransitions("FATAL->STARTING");
        // A start from FATAL gets a fresh set of retries: the first delay is 1 s again.
        launcher.exitLast(ExitStatus.exited(1));
        assertTransitions("STARTING->BACKOFF");
        loop.advanceMillis(999);
        assertEquals(before + 1, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(before + 2, launcher.launchCount());

        ProcessSlot exited = running(web().restartPolicy(RestartPolicy.Never));
        launcher.exitLast(ExitStatus.exited(0));
        assertEquals(EXITED, exited.state());
        events.clear();

        exited.start();

        assertEquals(STARTING, exited.state());
        assertEquals(launcher.lastChild().pid(), exited.pid());
        assertTransitions("EXITED->STARTING");
    }

    // ---- STARTING -> RUNNING ----------------------------------------------------------------------

    @Test
    void startingBecomesRunningAfterStartSeconds() {
        ProcessSlot slot = starting(web().startSeconds(3));

        loop.advanceMillis(2999);
        assertEquals(STARTING, slot.state());
        assertTransitions();

        loop.advanceMillis(1);
        assertEquals(RUNNING, slot.state());
        StateChange change = onlyEvent();
        assertEquals(PID1, change.pid());
        assertEquals(loop.now(), change.at());
        assertTransitions("STARTING->RUNNING");
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void startSecondsZeroIsRunningAtOnce() {
        ProcessSlot slot = slot(web().startSeconds(0));

        slot.start();

        assertEquals(RUNNING, slot.state());
        assertEquals(PID1, slot.pid());
        assertTransitions("STOPPED->STARTING", "STARTING->RUNNING");
        assertEquals(0, loop.pendingTimers(), "no start timer left behind");
    }

    // ---- STARTING -> BACKOFF ----------------------------------------------------------------------

    @Test
    void exitBeforeStartSecondsBacksOff() {
        ProcessSlot slot = starting(web().startSeconds(2));
        loop.advanceMillis(1999);

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(BACKOFF, slot.state());
        assertEquals(0, slot.pid());
        assertTrue(onlyEvent().detail().contains("exit status 1"), onlyEvent().detail());
        assertTransitions("STARTING->BACKOFF");
        loop.advanceMillis(1);
        assertEquals(BACKOFF, slot.state(), "the start timer was cancelled");
        assertTransitions();
    }

    @Test
    void expectedExitBeforeStartSecondsStillBacksOff() {
        ProcessSlot slot = starting(web().startSeconds(2).exitCodes(0).restartPolicy(RestartPolicy.Never));

        launcher.exitLast(ExitStatus.exited(0));

        assertEquals(BACKOFF, slot.state());
        assertTransitions("STARTING->BACKOFF");
        loop.advanceSeconds(1);
        assertEquals(2, launcher.launchCount(), "retried even under Never: it never reached RUNNING");
    }

    @Test
    void spawnErrorBacksOffWithTheMessage() {
        ProcessSlot slot = slot(web());
        launcher.failNext(1, "cannot run /bin/nope: no such file");

        slot.start();

        assertEquals(BACKOFF, slot.state());
        assertEquals(0, slot.pid());
        assertEquals("cannot run /bin/nope: no such file", slot.spawnError().orElseThrow());
        assertTrue(lastEvent().detail().contains("cannot run /bin/nope: no such file"), lastEvent().detail());
        assertTransitions("STOPPED->STARTING", "STARTING->BACKOFF");

        loop.advanceSeconds(1);
        assertEquals(STARTING, slot.state());
        assertTrue(slot.spawnError().isEmpty(), "cleared by the next spawn");
        assertTransitions("BACKOFF->STARTING");
    }

    // ---- BACKOFF -> STARTING / FATAL / STOPPED ----------------------------------------------------

    @Test
    void backoffRetriesAfterTheDelay() {
        ProcessSlot slot = backoff(web());

        loop.advanceSeconds(1);

        assertEquals(STARTING, slot.state());
        assertEquals(PID2, slot.pid());
        assertEquals(1, slot.restarts(), "an automatic respawn is a restart");
        assertTransitions("BACKOFF->STARTING");
    }

    @Test
    void backoffDelaysAreLinear() {
        ProcessSlot slot = slot(web().startRetries(3));
        launcher.failNext(3, "boom");
        slot.start();
        assertEquals(1, launcher.launchCount());

        for (int delay = 1; delay <= 3; delay++) {
            assertEquals(BACKOFF, slot.state());
            loop.advanceMillis(delay * 1000L - 1);
            assertEquals(delay, launcher.launchCount(), "no spawn 1 ms before the " + delay + " s deadline");
            loop.advanceMillis(1);
            assertEquals(delay + 1, launcher.launchCount(), "a spawn at the " + delay + " s deadline");
        }

        assertEquals(STARTING, slot.state(), "the fourth spawn worked");
        assertEquals(3, slot.restarts());
        assertTransitions("STOPPED->STARTING", "STARTING->BACKOFF",
                "BACKOFF->STARTING", "STARTING->BACKOFF",
                "BACKOFF->STARTING", "STARTING->BACKOFF",
                "BACKOFF->STARTING");
    }

    @Test
    void backoffBecomesFatalAfterStartRetries() {
        ProcessSlot slot = slot(web().startRetries(3));
        slot.start();
        for (int spawn = 1; spawn <= 3; spawn++) {
            launcher.exitLast(ExitStatus.exited(1));
            assertEquals(BACKOFF, slot.state());
            loop.advanceSeconds(spawn);
        }
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(FATAL, slot.state());
        assertTransitions("STARTING->BACKOFF", "BACKOFF->FATAL");
        assertEquals(4, launcher.launchCount(), "startRetries + 1 spawns");
        assertEquals(0, loop.pendingTimers());
        loop.advanceSeconds(3600);
        assertEquals(4, launcher.launchCount());
        assertEquals(FATAL, slot.state());
    }

    @Test
    void startRetriesZeroGoesFatalAfterOneSpawn() {
        ProcessSlot slot = starting(web().startRetries(0));

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(FATAL, slot.state());
        assertTransitions("STARTING->BACKOFF", "BACKOFF->FATAL");
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void stopInBackoffGoesStopped() {
        ProcessSlot slot = backoff(web());

        slot.stop();

        assertEquals(STOPPED, slot.state());
        assertTransitions("BACKOFF->STOPPED");
        assertEquals(0, loop.pendingTimers(), "the retry was cancelled");
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount());
        assertTrue(launcher.signals().isEmpty());
    }

    // ---- RUNNING -> EXITED (-> STARTING) ----------------------------------------------------------

    @Test
    void runningExitWithExpectedCodeUnderOnFailureStaysExited() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.OnFailure).exitCodes(0, 2));

        launcher.exitLast(ExitStatus.exited(2));

        assertEquals(EXITED, slot.state());
        assertEquals("exit status 2; expected", onlyEvent().detail());
        assertTransitions("RUNNING->EXITED");
        ProcessSlot.LastExit last = slot.lastExit().orElseThrow();
        assertEquals(ExitStatus.exited(2), last.status());
        assertTrue(last.expected());
        assertEquals(loop.now(), last.at());
        assertEquals(loop.now(), slot.stoppedAt().orElseThrow());
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void unexpectedExitRestartsAtOnce() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.OnFailure));

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(STARTING, slot.state());
        assertEquals(2, launcher.launchCount(), "no delay");
        assertEquals(PID2, slot.pid());
        assertEquals(1, slot.restarts());
        assertEquals("exit status 1; not expected", events.get(0).detail());
        assertTransitions("RUNNING->EXITED", "EXITED->STARTING");
        assertFalse(slot.lastExit().orElseThrow().expected());
    }

    @Test
    void alwaysRestartsExpectedExit() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.Always));

        launcher.exitLast(ExitStatus.exited(0));

        assertEquals(STARTING, slot.state());
        assertEquals(1, slot.restarts());
        assertTransitions("RUNNING->EXITED", "EXITED->STARTING");
        assertTrue(slot.lastExit().orElseThrow().expected());
    }

    @Test
    void aProcessThatExitsAtOnceIsRestartedASecondAfterItsStartNotInALoop() {
        ProcessSlot slot = running(web().startSeconds(0).restartPolicy(RestartPolicy.Always));

        launcher.exitLast(ExitStatus.exited(0));

        assertEquals(EXITED, slot.state());
        assertTrue(slot.restartPending());
        assertEquals("exit status 0; expected; restarts in 1000 ms (at most one restart a second)", events.get(0).detail());
        loop.advanceMillis(999);
        assertEquals(1, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(2, launcher.launchCount());
        assertEquals(RUNNING, slot.state(), "startSeconds 0");
        assertFalse(slot.restartPending());
    }

    @Test
    void theRestartWaitCountsFromTheStart() {
        ProcessSlot slot = running(web().startSeconds(0).restartPolicy(RestartPolicy.OnFailure));
        loop.advanceMillis(400);

        launcher.exitLast(ExitStatus.exited(1));

        loop.advanceMillis(599);
        assertEquals(1, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(2, launcher.launchCount());
    }

    @Test
    void stopWhileWaitingToRestartStopsIt() {
        ProcessSlot slot = running(web().startSeconds(0).restartPolicy(RestartPolicy.Always));
        launcher.exitLast(ExitStatus.exited(0));
        events.clear();

        slot.stop();

        assertEquals(STOPPED, slot.state());
        assertFalse(slot.restartPending());
        assertTransitions("EXITED->STOPPED");
        loop.advanceSeconds(60);
        assertEquals(1, launcher.launchCount(), "the pending restart is cancelled");
    }

    @Test
    void startWhileWaitingToRestartStartsAtOnce() {
        ProcessSlot slot = running(web().startSeconds(0).restartPolicy(RestartPolicy.Always));
        launcher.exitLast(ExitStatus.exited(0));

        slot.start();

        assertEquals(2, launcher.launchCount());
        loop.advanceSeconds(60);
        assertEquals(2, launcher.launchCount(), "the pending restart does not fire as well");
    }

    @Test
    void neverDoesNotRestart() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.Never));

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(EXITED, slot.state());
        assertTransitions("RUNNING->EXITED");
        assertFalse(slot.lastExit().orElseThrow().expected());
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount());
        assertEquals(0, slot.restarts());
    }

    @Test
    void signalDeathIsUnexpected() {
        // Even a list holding -1 (the code field of a signal death) does not make a signal death expected.
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.OnFailure).exitCodes(0, -1));

        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(STARTING, slot.state());
        assertEquals("terminated by SIGTERM; not expected", events.get(0).detail());
        assertTransitions("RUNNING->EXITED", "EXITED->STARTING");
        assertFalse(slot.lastExit().orElseThrow().expected());
        assertEquals(ExitStatus.killedBy(SIGTERM), slot.lastExit().orElseThrow().status());
    }

    // ---- RUNNING -> EXITED under restartBackoff (Kubernetes' CrashLoopBackOff) ------------------------

    /** A program that crashes the moment it starts: RUNNING at once ({@code startSeconds: 0}), restarted always. */
    private static Specs crashLoop() {
        return web().startSeconds(0).restartPolicy(RestartPolicy.Always);
    }

    /** Exits the running child after {@code runSeconds}; returns how long its restart waits, to the millisecond. */
    private long crashAfter(ProcessSlot slot, long runSeconds) {
        loop.advanceSeconds(runSeconds);
        assertEquals(RUNNING, slot.state());
        int spawns = launcher.launchCount();
        events.clear();
        launcher.exitLast(ExitStatus.exited(1));
        long waited = 0;
        while (launcher.launchCount() == spawns) {
            assertEquals(EXITED, slot.state());
            assertTrue(slot.restartPending(), "a restart waits: " + events);
            loop.advanceMillis(1);
            waited++;
        }
        return waited;
    }

    @Test
    void withoutRestartBackoffACrashLoopRestartsAtOnceEveryTimeThenItsWaitsBeginAtTheNextExit() {
        ProcessSlot slot = running(crashLoop());
        for (int crash = 1; crash <= 5; crash++) {
            assertEquals(0, crashAfter(slot, 1), "crash " + crash);
            assertEquals("exit status 1; not expected", events.get(0).detail());
        }

        slot.updateSpec(Specs.from(slot.spec()).restartBackoff(10, 300, 600).build());

        assertEquals(RUNNING, slot.state(), "not a launch setting: the running child stays");
        assertEquals(10_000, crashAfter(slot, 1), "counted from the first crash it sees: the second in a row waits");
        assertEquals(20_000, crashAfter(slot, 1));
        assertEquals(7, slot.restarts());
    }

    @Test
    void aRunIsMeasuredOnTheLoopsTimeSoACrashAfterTheWallClockSteppedBackRestartsAtOnce() {
        // NTP corrects a clock an hour fast (or `date -s`): the run measured on the wall clock was minus 50 minutes, and
        // its restart waited "at most one restart a second" for 50 minutes. supervisord restarts it a second later.
        running(web());
        loop.advanceSeconds(600);
        loop.stepClock(Duration.ofHours(-1));

        launcher.exitLast(ExitStatus.exited(1));

        assertTransitions("RUNNING->EXITED", "EXITED->STARTING");
        assertEquals(2, launcher.launchCount(), "restarted at once, as after any run longer than a second");
    }

    @Test
    void aRunLongerThanResetSecondsStillResetsTheCrashLoopAfterTheWallClockSteppedBack() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        assertEquals(0, crashAfter(slot, 2));
        assertEquals(10_000, crashAfter(slot, 2));
        loop.advanceSeconds(900);
        loop.stepClock(Duration.ofMinutes(-10));

        assertEquals(0, crashAfter(slot, 1), "a run of 901 s, not 301 s: the crash loop is over");
    }

    @Test
    void anExitBeforeStartSecondsIsTooQuickThoughTheWallClockSteppedForward() {
        ProcessSlot slot = starting(web().startSeconds(5));
        loop.advanceSeconds(2);
        loop.stepClock(Duration.ofHours(1));
        loop.advanceSeconds(1);

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(BACKOFF, slot.state(), "a run of 3 s, not an hour and 3 s");
        assertTransitions("STARTING->BACKOFF");
    }

    @Test
    void restartBackoffWaitsTenTwentyFortySecondsUpToItsMaximum() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 60, 600));

        assertEquals(0, crashAfter(slot, 2), "the first restart in a row is at once");
        assertEquals(List.of(10_000L, 20_000L, 40_000L, 60_000L, 60_000L), List.of(crashAfter(slot, 2), crashAfter(slot, 2),
                crashAfter(slot, 2), crashAfter(slot, 2), crashAfter(slot, 2)));
        assertEquals(6, slot.restarts());
    }

    @Test
    void theFirstRestartInARowStillWaitsOutTheMinimumInterval() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));

        assertEquals(1000, crashAfter(slot, 0));
        assertEquals(10_000, crashAfter(slot, 0), "the larger of the two: restartBackoff's");
    }

    @Test
    void theExitSaysWhenItRestartsAndWhyItWaits() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        crashAfter(slot, 5);
        loop.advanceSeconds(5);
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        StateChange exit = onlyEvent();
        assertEquals("exit status 1; not expected; restarts in 10 s (restartBackoff: restart 2 in a row, each run shorter"
                + " than 600 s)", exit.detail());
        assertTrue(exit.backingOff());
        assertTransitions("RUNNING->EXITED");
        loop.advanceSeconds(10);
        assertTransitions("EXITED->STARTING", "STARTING->RUNNING");
        crashAfter(slot, 0);
        assertEquals("exit status 1; not expected; restarts in 20 s (restartBackoff: restart 3 in a row, each run shorter"
                + " than 600 s)", events.get(0).detail());
    }

    @Test
    void aRestartThatOnlyWaitsOutTheMinimumIntervalIsNotABackOff() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals("exit status 1; not expected; restarts in 1000 ms (at most one restart a second)", onlyEvent().detail());
        assertFalse(onlyEvent().backingOff());
    }

    @Test
    void aRunOfResetSecondsForgetsTheRestartsBeforeIt() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        assertEquals(0, crashAfter(slot, 1));
        assertEquals(10_000, crashAfter(slot, 1));
        assertEquals(20_000, crashAfter(slot, 599), "599 s is not long enough");

        assertEquals(0, crashAfter(slot, 600), "600 s is: at once again");
        assertEquals(10_000, crashAfter(slot, 1), "then 10 s again, not 40 s");
    }

    @Test
    void anOperatorStartOrRestartForgetsTheRestartsBefore() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        crashAfter(slot, 1);
        crashAfter(slot, 1);
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertTrue(slot.restartPending(), "waiting 20 s");
        int spawns = launcher.launchCount();

        slot.start();

        assertEquals(spawns + 1, launcher.launchCount(), "at once");
        assertEquals(0, loop.pendingTimers(), "the pending restart does not fire as well");
        assertEquals(0, crashAfter(slot, 1), "the first restart in a row again");
        assertEquals(10_000, crashAfter(slot, 1));

        slot.restart();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(RUNNING, slot.state());
        assertEquals(0, crashAfter(slot, 1), "the first restart in a row again");
        assertEquals(10_000, crashAfter(slot, 1));
    }

    @Test
    void stopWhileBackingOffStopsItAndNothingSpawns() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        crashAfter(slot, 1);
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertTrue(slot.restartPending());
        events.clear();

        slot.stop();

        assertEquals(STOPPED, slot.state());
        assertFalse(slot.restartPending());
        assertEquals("stopped while waiting to restart", onlyEvent().detail());
        assertTransitions("EXITED->STOPPED");
        assertEquals(0, loop.pendingTimers());
        loop.advanceSeconds(3600);
        assertEquals(2, launcher.launchCount(), "the restart was cancelled");
    }

    @Test
    void restartBackoffLeavesBackoffFromStartingAsItWas() {
        ProcessSlot slot = backoff(web().startSeconds(5).restartBackoff(10, 300, 600));
        loop.advanceMillis(999);
        assertEquals(1, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(2, launcher.launchCount(), "Supervisor's 1 s, 2 s, 3 s ..., not restartBackoff's 10 s");
    }

    // ---- a spec changed while a restart waits -------------------------------------------------------

    /** A crash loop under restartBackoff {300, 300, 600} whose second crash in a row, after a run of 1 s, waits 300 s. */
    private ProcessSlot waitingFiveMinutes() {
        ProcessSlot slot = running(crashLoop().restartBackoff(300, 300, 600));
        assertEquals(0, crashAfter(slot, 1));
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));
        assertTrue(slot.restartPending());
        assertEquals(loop.now().plusSeconds(300), slot.restartAt().orElseThrow());
        events.clear();
        return slot;
    }

    @Test
    void aPendingRestartIsCancelledWhenTheChangedSpecNoLongerRestartsTheExit() {
        ProcessSlot slot = waitingFiveMinutes();
        int spawns = launcher.launchCount();

        slot.updateSpec(Specs.from(slot.spec()).restartPolicy(RestartPolicy.Never).build());

        assertEquals(EXITED, slot.state());
        assertFalse(slot.restartPending());
        assertTrue(slot.restartAt().isEmpty());
        assertEquals(0, loop.pendingTimers());
        StateChange notice = onlyEvent();
        assertEquals("restart cancelled: its spec no longer restarts this exit (restartPolicy: Never)", notice.detail());
        assertFalse(notice.backingOff());
        assertTransitions("EXITED->EXITED");
        loop.advanceSeconds(3600);
        assertEquals(spawns, launcher.launchCount(), "not restarted");
        assertFalse(slot.restartsUnderItsSpecNow());
    }

    @Test
    void aChangeThatLeavesTheWaitAsItWasSaysNothingThoughTheClockMovesBetweenReadings() {
        // A real clock moves between two readings (nanoseconds here): the wait re-decided from the exit's instant must
        // come out at the instant announced, not "brought forward" by the microseconds the first decision took.
        slotClock = new Clock() {
            private long readings;

            @Override
            public Instant instant() {
                return loop.now().plusNanos(1000 * ++readings);
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        // 2 replicas, so that the changes below rename nothing (web-0 stays web-0)
        ProcessSlot slot = running(crashLoop().restartBackoff(300, 300, 600).replicas(2));
        launcher.exitLast(ExitStatus.exited(1)); // the first restart in a row: a second after its start
        loop.advanceSeconds(1);
        assertEquals(RUNNING, slot.state());
        launcher.exitLast(ExitStatus.exited(1)); // the second: 300 s
        Instant due = slot.restartAt().orElseThrow();
        events.clear();

        slot.updateSpec(Specs.from(slot.spec()).replicas(3).build()); // a change of something else
        slot.updateSpec(Specs.from(slot.spec()).replicas(4).build());

        assertTrue(events.isEmpty(), () -> "nothing to say: " + events);
        assertEquals(due, slot.restartAt().orElseThrow());
    }

    @Test
    void aPendingRestartCancelledByNewExitCodesLeavesTheExitExpected() {
        ProcessSlot slot = waitingFiveMinutes(); // exit status 1, restartPolicy Always

        slot.updateSpec(Specs.from(slot.spec()).restartPolicy(RestartPolicy.OnFailure).exitCodes(0, 1).build());

        assertFalse(slot.restartPending());
        assertTrue(slot.lastExit().orElseThrow().expected(), "an exit its exitCodes expect, as readiness and get read it");
    }

    @Test
    void aPendingRestartOfAnExpectedExitIsCancelledByRestartPolicyOnFailure() {
        ProcessSlot slot = running(crashLoop().restartBackoff(300, 300, 600));
        launcher.exitLast(ExitStatus.exited(0));
        assertTrue(slot.restartPending());
        events.clear();

        slot.updateSpec(Specs.from(slot.spec()).restartPolicy(RestartPolicy.OnFailure).build());

        assertEquals("restart cancelled: its spec no longer restarts this exit (restartPolicy: OnFailure, and exit status 0"
                + " is one of its exitCodes)", onlyEvent().detail());
        assertFalse(slot.restartPending());
    }

    @Test
    void aPendingRestartOfAnUnexpectedExitStaysUnderRestartPolicyOnFailure() {
        ProcessSlot slot = waitingFiveMinutes();
        Instant due = slot.restartAt().orElseThrow();

        slot.updateSpec(Specs.from(slot.spec()).restartPolicy(RestartPolicy.OnFailure).build());

        assertTrue(events.isEmpty(), "nothing to say: " + events);
        assertEquals(due, slot.restartAt().orElseThrow());
        int spawns = launcher.launchCount();
        loop.advanceSeconds(300);
        assertEquals(spawns + 1, launcher.launchCount());
    }

    @Test
    void aScaleThatRenamesTheProcessSaysSoOnceAndLeavesItRunning() {
        ProcessSlot slot = running(web());
        int pid = slot.pid();

        slot.updateSpec(Specs.from(slot.spec()).replicas(2).build());

        assertEquals("web-0", slot.name());
        assertEquals(new StateChange("web", "web-0", RUNNING, RUNNING, pid, "renamed from web, as its program"
                + " has 2 replicas now; its STEWARD_PROCESS_NAME, and log files named after it, keep the name web until it"
                + " restarts", loop.now(), true), onlyEvent());
        slot.updateSpec(Specs.from(slot.spec()).replicas(3).build());
        assertEquals(1, events.size(), "2 to 3 renames nothing");
        slot.updateSpec(Specs.from(slot.spec()).replicas(1).build());
        assertEquals("renamed from web-0, as its program has 1 replica now", lastEvent().detail(),
                "back to the name it was started with: nothing keeps another");
        assertEquals(pid, slot.pid());
    }

    @Test
    void aScaleThatRenamesAProcessThatIsDownTellsOfNoOldNameKept() {
        ProcessSlot slot = running(web().replicas(2));
        slot.stop();
        launcher.exitLast(ExitStatus.killedBy(15));
        assertEquals(STOPPED, slot.state());
        events.clear();

        slot.updateSpec(Specs.from(slot.spec()).replicas(1).build());

        assertEquals("renamed from web-0, as its program has 1 replica now", onlyEvent().detail(),
                "no process runs to keep web-0: the next starts as web");
    }

    @Test
    void removingRestartBackoffDuringTheWaitRestartsAtOnce() {
        ProcessSlot slot = waitingFiveMinutes();
        loop.advanceSeconds(5);
        int spawns = launcher.launchCount();

        slot.updateSpec(Specs.from(slot.spec()).noRestartBackoff().build());

        assertEquals(EXITED, slot.state(), "on the timer, not inside the update");
        assertEquals(loop.now(), slot.restartAt().orElseThrow(), "it ran a second: nothing more to wait for");
        assertEquals("restart brought forward by its changed spec: restarts in 0 s rather than 295 s", onlyEvent().detail());
        assertTransitions("EXITED->EXITED");
        loop.advance(Duration.ZERO);
        assertEquals(spawns + 1, launcher.launchCount());
        assertEquals(RUNNING, slot.state());
        assertTrue(slot.restartAt().isEmpty());
        assertEquals(0, loop.pendingTimers(), "the old wait does not fire as well");
    }

    @Test
    void removingRestartBackoffStillRestartsNoSoonerThanASecondAfterTheStart() {
        ProcessSlot slot = running(crashLoop().restartBackoff(300, 300, 600));
        assertEquals(1000, crashAfter(slot, 0));
        events.clear();
        launcher.exitLast(ExitStatus.exited(1)); // at once again: waits 300 s
        assertEquals(loop.now().plusSeconds(300), slot.restartAt().orElseThrow());
        int spawns = launcher.launchCount();

        slot.updateSpec(Specs.from(slot.spec()).noRestartBackoff().build());

        assertEquals(loop.now().plusSeconds(1), slot.restartAt().orElseThrow());
        loop.advanceMillis(999);
        assertEquals(spawns, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(spawns + 1, launcher.launchCount());
    }

    @Test
    void aShorterWaitUnderTheChangedSpecBringsThePendingRestartForwardCountedFromTheExit() {
        ProcessSlot slot = waitingFiveMinutes();
        loop.advanceSeconds(20);
        int spawns = launcher.launchCount();

        slot.updateSpec(Specs.from(slot.spec()).restartBackoff(60, 60, 600).build());

        assertEquals("restart brought forward by its changed spec: restarts in 40 s rather than 280 s", onlyEvent().detail());
        loop.advanceMillis(39_999);
        assertEquals(spawns, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(spawns + 1, launcher.launchCount(), "60 s after the exit");
    }

    @Test
    void aLongerWaitUnderTheChangedSpecDoesNotPutOffThePendingRestart() {
        ProcessSlot slot = running(crashLoop().restartBackoff(10, 300, 600));
        crashAfter(slot, 1);
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1)); // waits 10 s
        Instant due = slot.restartAt().orElseThrow();
        events.clear();
        int spawns = launcher.launchCount();

        slot.updateSpec(Specs.from(slot.spec()).restartBackoff(100, 300, 600).build());

        assertTrue(events.isEmpty(), "the wait said at the exit stands: " + events);
        assertEquals(due, slot.restartAt().orElseThrow());
        loop.advanceSeconds(10);
        assertEquals(spawns + 1, launcher.launchCount());
    }

    @Test
    void restartAtSaysWhenAWaitingRestartOrRetryIsDue() {
        ProcessSlot slot = running(crashLoop());
        assertTrue(slot.restartAt().isEmpty(), "running");
        launcher.exitLast(ExitStatus.exited(1)); // ran 0 s: waits out the second
        assertEquals(loop.now().plusSeconds(1), slot.restartAt().orElseThrow());
        loop.advanceSeconds(1);
        assertTrue(slot.restartAt().isEmpty(), "restarted");

        ProcessSlot retrying = backoff(web());
        assertEquals(loop.now().plusSeconds(1), retrying.restartAt().orElseThrow());
        retrying.stop();
        assertTrue(retrying.restartAt().isEmpty(), "stopped");
    }

    // ---- the daemon shuts down: nothing starts any more ------------------------------------------------

    @Test
    void startNoMoreStopsARestartWaitingOnItsTimer() {
        ProcessSlot slot = waitingFiveMinutes();
        int spawns = launcher.launchCount();

        slot.startNoMore();

        assertEquals(STOPPED, slot.state());
        assertEquals("not restarted: the daemon is shutting down", onlyEvent().detail());
        assertTrue(slot.restartAt().isEmpty());
        assertEquals(0, loop.pendingTimers());
        loop.advanceSeconds(3600);
        assertEquals(spawns, launcher.launchCount());
    }

    @Test
    void startNoMoreStopsARetryFromBackoff() {
        ProcessSlot slot = backoff(web());

        slot.startNoMore();

        assertEquals(STOPPED, slot.state());
        assertEquals("not retried: the daemon is shutting down", onlyEvent().detail());
        loop.advanceSeconds(60);
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void afterStartNoMoreAnExitIsFinal() {
        ProcessSlot slot = running(crashLoop());
        loop.advanceSeconds(5);

        slot.startNoMore();
        assertTrue(events.isEmpty(), "a running process runs on until the shutdown stops it: " + events);
        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(EXITED, slot.state());
        assertEquals("exit status 1; not expected; not restarted: the daemon is shutting down", onlyEvent().detail());
        assertFalse(slot.restartPending());
        loop.advanceSeconds(60);
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void afterStartNoMoreAnExitBeforeStartSecondsIsNotRetried() {
        ProcessSlot slot = starting(web());

        slot.startNoMore();
        launcher.exitLast(ExitStatus.exited(1));

        assertTransitions("STARTING->BACKOFF", "BACKOFF->STOPPED");
        loop.advanceSeconds(60);
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void afterStartNoMoreStartAndRestartDoNothing() {
        ProcessSlot restarting = running(web());
        restarting.restart();
        assertEquals(STOPPING, restarting.state());
        assertTrue(restarting.startPending());

        restarting.startNoMore();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(STOPPED, restarting.state(), "the start after the stop is dropped");
        assertEquals(1, launcher.launchCount());
        events.clear();
        restarting.start();
        restarting.restart();
        assertTrue(events.isEmpty(), events.toString());
        assertEquals(1, launcher.launchCount());

        ProcessSlot up = running(web());
        up.startNoMore();
        up.restart();
        assertEquals(RUNNING, up.state(), "not stopped out of the shutdown's priority order");
        assertTrue(launcher.signals().stream().noneMatch(sent -> sent.pid() == up.pid()), launcher.signals().toString());
    }

    // ---- RUNNING / STARTING -> STOPPING -> STOPPED --------------------------------------------------

    @Test
    void stopSendsStopSignalThenKillAfterTimeout() {
        ProcessSlot slot = running(web().stopTimeoutSeconds(10));

        slot.stop();

        assertEquals(STOPPING, slot.state());
        assertTransitions("RUNNING->STOPPING");
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals());

        loop.advanceMillis(9999);
        assertEquals(2, launcher.signals().size(), "no SIGKILL before stopTimeoutSeconds");
        loop.advanceMillis(1);
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false),
                new SentSignal(PID1, SIGKILL, false)), launcher.signals(), "no SIGCONT after SIGKILL");
        assertEquals(STOPPING, slot.state(), "stays STOPPING until the exit arrives");
        assertTrue(onlyEvent().detail().contains("SIGKILL"), onlyEvent().detail());
        assertTransitions("STOPPING->STOPPING"); // the SIGKILL notice, not a transition

        loop.advanceSeconds(3600);
        assertEquals(STOPPING, slot.state());
        assertEquals(3, launcher.signals().size());

        launcher.exitLast(ExitStatus.killedBy(SIGKILL));
        assertEquals(STOPPED, slot.state());
        assertTransitions("STOPPING->STOPPED");
        assertEquals(1, launcher.launchCount(), "a stopped process is not restarted");
        assertEquals(0, slot.pid());
    }

    @Test
    void exitAfterTheStopSignalIsStoppedEvenUnderAlways() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.Always));
        slot.stop();
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(STOPPED, slot.state());
        assertEquals("exit status 1", onlyEvent().detail());
        assertTransitions("STOPPING->STOPPED");
        assertEquals(0, loop.pendingTimers(), "the SIGKILL timer was cancelled");
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount());
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals(),
                "no SIGKILL for a process already gone");
    }

    @Test
    void stopAsGroupSignalsTheGroup() {
        ProcessSlot slot = running(web().stopAsGroup(true).killAsGroup(true).stopSignal(2).stopTimeoutSeconds(5));

        slot.stop();
        loop.advanceSeconds(5);

        assertEquals(List.of(new SentSignal(PID1, 2, true), new SentSignal(PID1, SIGCONT, true), new SentSignal(PID1, SIGKILL, true)),
                launcher.signals());
        assertTrue(events.get(0).detail().contains("process group"), events.get(0).detail());
        assertTransitions("RUNNING->STOPPING", "STOPPING->STOPPING");
    }

    @Test
    void killAsGroupFollowsItsOwnSetting() {
        ProcessSlot killGroupOnly = running(web().stopAsGroup(false).killAsGroup(true));
        killGroupOnly.stop();
        loop.advanceSeconds(10);
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false),
                new SentSignal(PID1, SIGKILL, true)), launcher.lastChild().signals());
        launcher.exitLast(ExitStatus.killedBy(SIGKILL));

        ProcessSlot stopGroupOnly = running(web().stopAsGroup(true).killAsGroup(false));
        stopGroupOnly.stop();
        loop.advanceSeconds(10);
        assertEquals(List.of(new SentSignal(PID2, SIGTERM, true), new SentSignal(PID2, SIGCONT, true),
                new SentSignal(PID2, SIGKILL, false)), launcher.lastChild().signals());
    }

    // ---- STOPPING with the rest of the process group left (killAsGroup) -----------------------------

    private ProcessSlot groupStopping(Specs specs) {
        ProcessSlot slot = running(specs.stopAsGroup(true).killAsGroup(true).stopTimeoutSeconds(3));
        launcher.lastChild().withGroupMembers();
        slot.stop();
        assertTransitions("RUNNING->STOPPING");
        return slot;
    }

    @Test
    void aStopTimeoutChangedInPlaceDuringTheGroupWaitMovesNeitherTheDeadlineNorWhatTheKillSays() {
        ProcessSlot slot = groupStopping(web());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        onlyEvent(); // waiting for the rest of its group
        assertTransitions("STOPPING->STOPPING");
        slot.updateSpec(Specs.from(slot.spec()).stopTimeoutSeconds(30).build());

        loop.advanceMillis(3000 - ProcessSlot.GROUP_POLL.toMillis());
        assertTrue(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)), "at the deadline the stop began with");
        assertEquals("its process group " + PID1 + " still has processes 3 s after the stop signal; sent SIGKILL to its"
                + " process group", onlyEvent().detail());
    }

    @Test
    void aGroupLeftByTheChildKeepsTheStopGoingAndIsKilledAtTheDeadline() {
        // bash -c "(trap '' TERM; exec sleep 1000) & wait": bash dies of SIGTERM, its child ignores it and lives on.
        ProcessSlot slot = groupStopping(web());
        loop.advanceMillis(500);
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(STOPPING, slot.state(), "not STOPPED while its group lives on");
        assertEquals(0, slot.pid(), "its process is gone");
        assertEquals(ExitStatus.killedBy(SIGTERM), slot.lastExit().orElseThrow().status());
        assertTransitions();
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        StateChange waiting = onlyEvent();
        assertTrue(waiting.waitingForGroup(), waiting.detail());
        assertEquals("its process (pid " + PID1 + ") has exited (terminated by SIGTERM); waiting for the rest of its process"
                + " group (pgid " + PID1 + "), SIGKILL in 3 s", waiting.detail());
        assertTransitions("STOPPING->STOPPING");

        loop.advanceMillis(2999 - 500 - ProcessSlot.GROUP_POLL.toMillis());
        assertEquals(STOPPING, slot.state());
        assertFalse(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)), "no SIGKILL before stopTimeoutSeconds");
        loop.advanceMillis(1);
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, true), new SentSignal(PID1, SIGCONT, true),
                new SentSignal(PID1, SIGKILL, true)), launcher.signals(), "SIGKILL to the group at the stop's deadline");
        assertEquals(STOPPING, slot.state(), "until the group is found empty");
        assertTrue(onlyEvent().detail().contains("sent SIGKILL to its process group"), onlyEvent().detail());
        assertTransitions("STOPPING->STOPPING");

        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        assertEquals(STOPPED, slot.state());
        assertEquals("terminated by SIGTERM; the rest of its process group took SIGKILL", onlyEvent().detail());
        assertEquals(loop.now(), slot.stoppedAt().orElseThrow());
        assertTransitions("STOPPING->STOPPED");
        assertEquals(0, loop.pendingTimers(), "no more looks at a group found empty");
        assertEquals(1, launcher.launchCount());
    }

    @Test
    void theGroupGetsItsSigkillAtTheDeadlineThoughTheWallClockSteppedBack() {
        ProcessSlot slot = groupStopping(web());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.stepClock(Duration.ofHours(-1));

        loop.advanceMillis(3000);

        assertTrue(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)), "3 s after the stop signal, not an hour");
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        assertEquals(STOPPED, slot.state());
    }

    @Test
    void theStopEndsOnceTheGroupIsEmptyWithoutSigkill() {
        ProcessSlot slot = groupStopping(web());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(1000);
        assertEquals(STOPPING, slot.state());
        events.clear();

        launcher.lastChild().membersExit();
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state());
        assertEquals("terminated by SIGTERM; the rest of its process group has exited", onlyEvent().detail());
        assertTransitions("STOPPING->STOPPED");
        assertEquals(0, loop.pendingTimers());
        loop.advanceSeconds(10);
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, true), new SentSignal(PID1, SIGCONT, true)), launcher.signals(),
                "no SIGKILL, and nothing sent to the group once it was found empty");
    }

    @Test
    void membersGoneByTheFirstLookAreNotSaid() {
        // The usual stopAsGroup stop: the members took the stop signal with the child and are reaped a moment after it.
        ProcessSlot slot = groupStopping(web());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        launcher.lastChild().membersExit();

        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state());
        assertEquals("terminated by SIGTERM", onlyEvent().detail());
        assertTransitions("STOPPING->STOPPED");
    }

    @Test
    void aRestartWhileTheGroupIsWaitedForStartsOnlyOnceItIsGone() {
        // The new process must not race the old one's children for a port.
        ProcessSlot slot = groupStopping(web());
        slot.restart();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(1000);
        assertEquals(STOPPING, slot.state());
        assertTrue(slot.startPending());
        assertEquals(1, launcher.launchCount());

        launcher.child(0).membersExit();
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STARTING, slot.state());
        assertEquals(2, launcher.launchCount());
        assertEquals(PID2, slot.pid());
    }

    @Test
    void aShutdownWhileTheGroupIsWaitedForDropsTheRestartAndKeepsWaiting() {
        // restart, then the daemon shuts down while the old process's group is still there: the group is still waited
        // for and killed at the deadline (the shutdown's next level waits), and nothing starts once it is gone.
        ProcessSlot slot = groupStopping(web());
        slot.restart();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(500);

        slot.startNoMore();
        assertEquals(STOPPING, slot.state(), "the group still runs");
        assertFalse(slot.startPending());
        loop.advanceSeconds(3);
        assertTrue(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)), launcher.signals().toString());
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state());
        assertEquals(1, launcher.launchCount(), "nothing started during the shutdown");
        assertEquals(0, loop.pendingTimers());
    }

    /**
     * A RUNNING process of a program with stopAsGroup, killAsGroup and a 3 s stop timeout, whose process group has
     * {@code members} beside it, asked to stop.
     */
    private ProcessSlot stoppingWithItsGroup(UnaryOperator<FakeChild> members) {
        ProcessSlot slot = running(web().stopAsGroup(true).killAsGroup(true).stopTimeoutSeconds(3));
        members.apply(launcher.lastChild());
        slot.stop();
        return slot;
    }

    @Test
    void aGroupThatOutlivesItsSigkillIsLeftAfterAFewSeconds() {
        ProcessSlot slot = stoppingWithItsGroup(FakeChild::withMembersThatSurviveKill);
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(3);
        assertTrue(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)));
        events.clear();

        loop.advanceMillis(ProcessSlot.AFTER_GROUP_KILL.toMillis() - 1);
        assertEquals(STOPPING, slot.state());
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state(), "a shutdown is not held up for ever");
        assertEquals("terminated by SIGTERM; processes of its process group " + PID1 + " are still there 5 s after SIGKILL,"
                + " and are left (pgrep -a -g " + PID1 + " lists them)", onlyEvent().detail());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void aStartSecondsChangedWhileStartingCountsFromTheSpawn() {
        ProcessSlot lowered = slot(web().startSeconds(60));
        lowered.start();
        loop.advanceSeconds(2);
        lowered.updateSpec(Specs.from(lowered.spec()).startSeconds(5).build());
        loop.advanceMillis(2_999);
        assertEquals(STARTING, lowered.state());
        loop.advanceMillis(1);
        assertEquals(RUNNING, lowered.state(), "5 s after its spawn, not 60");

        ProcessSlot passed = slot(web().startSeconds(60));
        passed.start();
        loop.advanceSeconds(10);
        passed.updateSpec(Specs.from(passed.spec()).startSeconds(5).build());
        assertEquals(RUNNING, passed.state(), "up longer than the new startSeconds already");

        ProcessSlot raised = slot(web().startSeconds(5));
        raised.start();
        loop.advanceSeconds(2);
        raised.updateSpec(Specs.from(raised.spec()).startSeconds(20).build());
        loop.advanceSeconds(17);
        assertEquals(STARTING, raised.state(), "not RUNNING at the old 5 s: an exit now would still be too quick");
        loop.advanceSeconds(1);
        assertEquals(RUNNING, raised.state());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void aGroupLeftAsAnotherUserIsLeftAtTheStopTimeoutAndSaidSo() {
        ProcessSlot slot = stoppingWithItsGroup(FakeChild::withMembersOfAnotherUser);
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceMillis(2_999);
        assertEquals(STOPPING, slot.state(), "not taken for gone: the daemon may not signal it, but it is there");
        events.clear();

        loop.advanceMillis(1);

        assertEquals(STOPPED, slot.state(), "no signal of the daemon's reaches it: not waited for after the SIGKILL was refused");
        assertEquals("terminated by SIGTERM; processes of its process group " + PID1 + " still run 3 s after the stop signal as"
                + " another user (a setuid program such as sudo), whom the daemon may not signal, and are left (pgrep -a -g "
                + PID1 + " lists them): stop them as that user, or have the program stop them itself on its stop signal",
                onlyEvent().detail());
        assertTrue(onlyEvent().leftGroupMembers(), "a warning, as for a group that outlived its SIGKILL");
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void aGroupLeftAsAnotherUserByAChildKilledAtTheStopTimeoutIsSaidSoAtOnce() {
        // The child ignored its stop signal: the SIGKILL to the group at the deadline took it, not the member run as another
        // user. That was waited for 5 s more and called "still there 5 s after SIGKILL", as a member stuck in the kernel.
        ProcessSlot slot = stoppingWithItsGroup(FakeChild::withMembersOfAnotherUser);
        loop.advanceSeconds(3);
        assertTrue(launcher.signals().contains(new SentSignal(PID1, SIGKILL, true)));
        launcher.exitLast(ExitStatus.killedBy(SIGKILL));
        events.clear();

        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state(), "no signal of the daemon's reaches what is left: not waited for");
        assertEquals("terminated by SIGKILL; processes of its process group " + PID1 + " still run 3 s after the stop signal as"
                + " another user (a setuid program such as sudo), whom the daemon may not signal, and are left (pgrep -a -g "
                + PID1 + " lists them): stop them as that user, or have the program stop them itself on its stop signal",
                onlyEvent().detail());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void aSigkillBeforeTheChildsExitIsNotSentAgain() {
        ProcessSlot slot = stoppingWithItsGroup(FakeChild::withMembersThatSurviveKill); // for a moment: not reaped yet when the child's exit comes
        loop.advanceSeconds(3);
        launcher.exitLast(ExitStatus.killedBy(SIGKILL));
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());
        assertEquals(STOPPING, slot.state());
        assertTrue(lastEvent().detail().endsWith("(pgid " + PID1 + "), sent SIGKILL"), lastEvent().detail());

        launcher.lastChild().membersExit();
        loop.advanceMillis(ProcessSlot.GROUP_POLL.toMillis());

        assertEquals(STOPPED, slot.state());
        assertEquals(1, launcher.signals().stream().filter(sent -> sent.signal() == SIGKILL).count(), launcher.signals().toString());
    }

    @Test
    void withoutKillAsGroupTheGroupIsNotWaitedFor() {
        // stopAsGroup with killAsGroup: false asks for no SIGKILL to the group: nothing to wait for.
        ProcessSlot slot = running(web().stopAsGroup(true).killAsGroup(false));
        launcher.lastChild().withGroupMembers();
        slot.stop();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(STOPPED, slot.state());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void anExitNotAskedForLeavesTheGroupAlone() {
        // As supervisord: only a stop kills the group; a program that exits by itself may mean to leave a daemon behind.
        ProcessSlot slot = running(web().stopAsGroup(true).restartPolicy(RestartPolicy.Never));
        launcher.lastChild().withGroupMembers();
        launcher.exitLast(ExitStatus.exited(0));

        assertEquals(EXITED, slot.state());
        assertEquals(0, loop.pendingTimers());
        assertEquals(List.of(), launcher.signals());
    }

    @Test
    void stopContinuesAStoppedProcessRightAfterTheStopSignalToTheSameTarget() {
        // As systemd does: a process stopped by kill -STOP can act on a stop signal it catches only once continued.
        ProcessSlot slot = running(web().stopSignal(2));
        slot.stop();
        assertEquals(List.of(new SentSignal(PID1, 2, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals());
        launcher.exitLast(ExitStatus.killedBy(2));

        ProcessSlot group = running(web().stopAsGroup(true));
        group.restart();
        assertEquals(List.of(new SentSignal(PID2, SIGTERM, true), new SentSignal(PID2, SIGCONT, true)),
                launcher.lastChild().signals(), "the group was stopped, so the group is continued");
    }

    @Test
    void aStopSignalThatStopsAProcessIsNotUndoneBySigcont() {
        for (int stopping : new int[] {19, 20, 21, 22}) { // STOP, TSTP, TTIN, TTOU
            ProcessSlot slot = running(web().stopSignal(stopping).stopTimeoutSeconds(1));
            slot.stop();
            loop.advanceSeconds(1);
            assertEquals(List.of(new SentSignal(slot.pid(), stopping, false), new SentSignal(slot.pid(), SIGKILL, false)),
                    launcher.lastChild().signals(), "stopSignal " + stopping);
            launcher.exitLast(ExitStatus.killedBy(SIGKILL));
        }
    }

    @Test
    void aSignalAskedForIsSentAloneEvenTheStopSignal() {
        ProcessSlot slot = running(web());

        assertTrue(slot.signal(SIGTERM));

        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false)), launcher.signals(), "steward signal sends what it is told");
        assertEquals(RUNNING, slot.state());
    }

    @Test
    void stopWhileStartingStops() {
        ProcessSlot slot = starting(web().startSeconds(5));

        slot.stop();

        assertEquals(STOPPING, slot.state());
        assertTransitions("STARTING->STOPPING");
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals());
        loop.advanceSeconds(5);
        assertEquals(STOPPING, slot.state(), "the start timer does not make it RUNNING");
        assertTransitions();

        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        assertEquals(STOPPED, slot.state());
        assertTransitions("STOPPING->STOPPED");
        loop.advanceSeconds(3600);
        assertEquals(1, launcher.launchCount(), "a stop is not a quick exit: no BACKOFF, no retry");
        assertEquals(2, launcher.signals().size());
    }

    @Test
    void stopWhenStoppedIsANoop() {
        ProcessSlot slot = slot(web());

        slot.stop();

        assertEquals(STOPPED, slot.state());
        assertTransitions();
    }

    // ---- requests ignored or deferred ----------------------------------------------------------------

    @Test
    void startWhileRunningIsIgnored() {
        ProcessSlot slot = running(web());

        slot.start();

        assertEquals(RUNNING, slot.state());
        assertEquals(PID1, slot.pid());
        assertEquals(1, launcher.launchCount());
        assertTransitions();
    }

    @Test
    void startWhileStartingOrInBackoffIsIgnored() {
        ProcessSlot startingSlot = starting(web());
        startingSlot.start();
        assertEquals(STARTING, startingSlot.state());
        assertEquals(1, launcher.launchCount());
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(BACKOFF, startingSlot.state());
        events.clear();

        startingSlot.start();

        assertEquals(BACKOFF, startingSlot.state());
        assertEquals(1, launcher.launchCount());
        assertTransitions();
    }

    @Test
    void startWhileStoppingWaitsForTheStop() {
        ProcessSlot slot = running(web());
        slot.stop();
        events.clear();

        slot.start();

        assertEquals(STOPPING, slot.state());
        assertTrue(slot.startPending());
        assertEquals(1, launcher.launchCount());
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        assertEquals(STARTING, slot.state());
        assertEquals(PID2, slot.pid());
        assertFalse(slot.startPending());
        assertTransitions("STOPPING->STOPPED", "STOPPED->STARTING");
    }

    @Test
    void restartStopsThenStartsOnce() {
        ProcessSlot slot = running(web());

        slot.restart();
        slot.restart();
        slot.start();

        assertEquals(STOPPING, slot.state());
        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals(),
                "one stop signal");
        assertTransitions("RUNNING->STOPPING");

        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        assertEquals(STARTING, slot.state());
        assertTransitions("STOPPING->STOPPED", "STOPPED->STARTING");
        loop.advanceSeconds(3600);
        assertEquals(RUNNING, slot.state());
        assertEquals(2, launcher.launchCount(), "started once");
        assertEquals(0, slot.restarts(), "a requested restart is not an automatic one");
        assertTransitions("STARTING->RUNNING");
    }

    @Test
    void stopCancelsAPendingRestart() {
        ProcessSlot slot = running(web());
        slot.restart();

        slot.stop();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));

        assertEquals(STOPPED, slot.state());
        assertEquals(1, launcher.launchCount());
        assertTransitions("RUNNING->STOPPING", "STOPPING->STOPPED");
    }

    @Test
    void restartFromBackoffSpawnsAtOnce() {
        ProcessSlot slot = backoff(web());

        slot.restart();

        assertEquals(STARTING, slot.state());
        assertEquals(2, launcher.launchCount());
        assertTransitions("BACKOFF->STARTING");
        assertEquals(1, loop.pendingTimers(), "only the start timer; the retry timer was cancelled");
    }

    @Test
    void staleExitOfAnOldChildIsIgnored() {
        ProcessSlot slot = running(web());
        slot.restart();
        launcher.exit(0, ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(RUNNING, slot.state());
        assertEquals(PID2, slot.pid());
        events.clear();

        // The reaper reports the first child once more: it must not end the second one.
        launcher.exit(0, ExitStatus.exited(1));

        assertEquals(RUNNING, slot.state());
        assertEquals(PID2, slot.pid());
        assertTransitions();
        assertEquals(2, launcher.launchCount());
    }

    @Test
    void exitDeliveredTwiceIsHandledOnce() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.Never));
        FakeLauncher.FakeChild child = launcher.lastChild();

        child.postExit(ExitStatus.exited(1));
        child.postExit(ExitStatus.exited(1));
        loop.runPending();

        assertEquals(EXITED, slot.state());
        assertTransitions("RUNNING->EXITED");
    }

    // ---- the backoff counter ------------------------------------------------------------------------

    @Test
    void backoffCounterResetsAfterRunning() {
        ProcessSlot slot = slot(web().startRetries(3));
        launcher.failNext(2, "boom");
        slot.start();
        loop.advanceSeconds(1);
        loop.advanceSeconds(2);
        assertEquals(STARTING, slot.state(), "third spawn worked after two backoffs");
        loop.advanceSeconds(1);
        assertEquals(RUNNING, slot.state());
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(STARTING, slot.state());
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(BACKOFF, slot.state());
        assertTransitions("STARTING->BACKOFF");
        int spawns = launcher.launchCount();
        loop.advanceMillis(999);
        assertEquals(spawns, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(spawns + 1, launcher.launchCount(), "first delay again: 1 s, not 3 s");
        // And a full set of retries: three more quick exits are BACKOFF, the fourth FATAL.
        for (int delay = 2; delay <= 3; delay++) {
            launcher.exitLast(ExitStatus.exited(1));
            assertEquals(BACKOFF, slot.state());
            loop.advanceSeconds(delay);
        }
        launcher.exitLast(ExitStatus.exited(1));
        assertEquals(FATAL, slot.state());
    }

    @Test
    void backoffCounterResetsWhenARunningProcessExits() {
        // With startSeconds 0 only spawn errors back off; two of them before RUNNING, then an exit.
        ProcessSlot slot = slot(web().startSeconds(0).startRetries(3));
        launcher.failNext(2, "boom");
        slot.start();
        loop.advanceSeconds(1);
        loop.advanceSeconds(2);
        assertEquals(RUNNING, slot.state());
        loop.advanceSeconds(1); // it runs a while: restarted at once (RestartPacing.MIN_RESTART_INTERVAL)
        launcher.failNext(1, "boom");
        events.clear();

        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(BACKOFF, slot.state());
        assertTransitions("RUNNING->EXITED", "EXITED->STARTING", "STARTING->BACKOFF");
        int spawns = launcher.launchCount();
        loop.advanceMillis(999);
        assertEquals(spawns, launcher.launchCount());
        loop.advanceMillis(1);
        assertEquals(spawns + 1, launcher.launchCount(), "first delay again: 1 s, not 3 s");
        assertEquals(RUNNING, slot.state());
    }

    // ---- settings applied in place ------------------------------------------------------------------

    @Test
    void inPlaceRetryChangeAppliesToNextBackoff() {
        ProcessSlot slot = backoff(web().startRetries(3));

        slot.updateSpec(Specs.from(slot.spec()).startRetries(1).build());
        loop.advanceSeconds(1);
        launcher.exitLast(ExitStatus.exited(1));

        assertEquals(FATAL, slot.state());
        assertTransitions("BACKOFF->STARTING", "STARTING->BACKOFF", "BACKOFF->FATAL");
        assertEquals(2, launcher.launchCount());
    }

    @Test
    void inPlaceStopSettingsApplyToNextStop() {
        ProcessSlot slot = running(web());

        slot.updateSpec(Specs.from(slot.spec()).stopSignal(2).stopTimeoutSeconds(3)
                .stopAsGroup(true).killAsGroup(true).build());
        slot.stop();
        loop.advanceSeconds(3);

        assertEquals(List.of(new SentSignal(PID1, 2, true), new SentSignal(PID1, SIGCONT, true), new SentSignal(PID1, SIGKILL, true)),
                launcher.signals());
        assertEquals(1, launcher.launchCount(), "not restarted to apply them");
    }

    @Test
    void aChildOutdatedByAChangedCommandIsStoppedUnderTheStopSettingsItWasStartedWith() {
        // It was written for SIGINT and 5 s; the new command's SIGTERM, 3 s and groups are the new child's to get.
        ProcessSlot slot = running(web().stopSignal(2).stopTimeoutSeconds(5));

        slot.updateSpec(Specs.from(slot.spec()).command("/bin/new").stopSignal(SIGTERM).stopTimeoutSeconds(3)
                .stopAsGroup(true).killAsGroup(true).build());
        assertTrue(slot.outdated());
        slot.restart();
        loop.advanceSeconds(3);
        assertEquals(List.of(new SentSignal(PID1, 2, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals(),
                "no SIGKILL at the new spec's 3 s");
        loop.advanceSeconds(2);
        assertEquals(new SentSignal(PID1, SIGKILL, false), launcher.signals().get(2), "at the old 5 s");
        launcher.exitLast(ExitStatus.killedBy(SIGKILL));

        assertEquals(PID2, slot.pid(), "restarted with the new command");
        slot.stop();
        assertEquals(List.of(new SentSignal(PID2, SIGTERM, true), new SentSignal(PID2, SIGCONT, true)),
                launcher.lastChild().signals(), "the new child gets the new settings");
    }

    @Test
    void stopSettingsAppliedInPlaceHoldForTheOutdatedChildOfALaterCommandChange() {
        ProcessSlot slot = running(web().stopSignal(2));

        ProgramSpec inPlace = Specs.from(slot.spec()).stopSignal(SIGTERM).build();
        slot.updateSpec(inPlace);
        slot.updateSpec(Specs.from(inPlace).command("/bin/new").stopSignal(1).build());
        slot.stop();

        assertEquals(List.of(new SentSignal(PID1, SIGTERM, false), new SentSignal(PID1, SIGCONT, false)), launcher.signals(),
                "the signal applied in place, not the replaced command's nor the new one's");
    }

    @Test
    void inPlaceExitCodesChangeAppliesToNextExit() {
        ProcessSlot slot = running(web().restartPolicy(RestartPolicy.OnFailure));

        slot.updateSpec(Specs.from(slot.spec()).exitCodes(0, 3).build());
        launcher.exitLast(ExitStatus.exited(3));

        assertEquals(EXITED, slot.state());
        assertTrue(slot.lastExit().orElseThrow().expected());
        assertTransitions("RUNNING->EXITED");
    }
}
