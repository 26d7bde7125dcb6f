package dev.steward.supervise;

import static dev.steward.supervise.ProcessState.BACKOFF;
import static dev.steward.supervise.ProcessState.FATAL;
import static dev.steward.supervise.ProcessState.RUNNING;
import static dev.steward.supervise.ProcessState.STARTING;
import static dev.steward.supervise.ProcessState.STOPPED;
import static dev.steward.supervise.ProcessState.STOPPING;
import static dev.steward.supervise.ProcessState.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartPolicy;
import dev.steward.supervise.FakeLauncher.FakeChild;
import dev.steward.supervise.FakeLauncher.SentSignal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Operator actions on slots wired as the supervisor wires them (every transition goes to
 * {@link Actions#onStateChanged}), on a fake clock with a fake launcher.
 */
class ActionsTest {
    private static final int SIGHUP = 1;
    private static final int SIGTERM = 15;
    private static final int SIGCONT = 18;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ManualLoop loop = new ManualLoop();
    private final FakeLauncher launcher = new FakeLauncher(loop);
    private final OperatorIntent intent = OperatorIntent.inMemory();
    private final Actions actions = new Actions(loop, intent, () -> false, slot -> true, slot -> Optional.empty());

    // ---- helpers ------------------------------------------------------------------------------------

    private ProcessSlot slot(ProgramSpec spec) {
        return new ProcessSlot(spec, 0, loop.clock(), loop, launcher, (slot, change) -> actions.onStateChanged(slot));
    }

    private ProcessSlot slot(String name) {
        return slot(Specs.defaults(name));
    }

    /** A slot whose child has been up {@code startSeconds}. */
    private ProcessSlot running(ProgramSpec spec) {
        ProcessSlot slot = slot(spec);
        slot.start();
        loop.advanceSeconds(spec.startSeconds());
        assertEquals(RUNNING, slot.state());
        return slot;
    }

    private ProcessSlot running(String name) {
        return running(Specs.defaults(name));
    }

    private static List<Actions.Target> targets(ProcessSlot... slots) {
        return List.of(slots).stream().map(s -> new Actions.Target(s.name(), Optional.of(s))).toList();
    }

    private static Actions.Target unknown(String name) {
        return new Actions.Target(name, Optional.empty());
    }

    private FakeChild childOf(ProcessSlot slot) {
        return launcher.children().stream().filter(c -> c.pid() == slot.pid()).findFirst().orElseThrow();
    }

    /** The single result of a completed single-target action. */
    private static Actions.Result only(CompletableFuture<List<Actions.Result>> future) {
        assertTrue(future.isDone(), "the action should have completed");
        List<Actions.Result> results = future.join();
        assertEquals(1, results.size(), results.toString());
        return results.get(0);
    }

    // ---- start ------------------------------------------------------------------------------------------

    @Test
    void startOfStoppedProcessCompletesOkOnceRunning() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(3).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(STARTING, slot.state());
        assertEquals(1, launcher.launchCount());
        assertFalse(future.isDone(), "not done while STARTING");
        loop.advanceSeconds(2);
        assertFalse(future.isDone(), "not done before startSeconds elapsed");

        loop.advanceSeconds(1);

        Actions.Result result = only(future);
        assertTrue(result.ok(), result.toString());
        assertEquals(RUNNING, result.state());
        assertEquals("web", result.name());
        assertEquals("web", result.program());
        assertEquals("started, pid " + FakeLauncher.FIRST_PID, result.message());
        assertEquals(0, loop.pendingTimers(), "the action's timeout timer is cancelled");
    }

    @Test
    void startOfRunningProcessIsOkAlreadyRunning() {
        ProcessSlot slot = running("web");

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(TIMEOUT));

        Actions.Result result = only(future);
        assertTrue(result.ok());
        assertEquals(RUNNING, result.state());
        assertEquals("already running", result.message());
        assertEquals(1, launcher.launchCount(), "nothing new spawned");
        assertTrue(childOf(slot).signals().isEmpty(), "the running child is left alone");
    }

    @Test
    void startOfFatalProcessStartsItAgain() {
        ProcessSlot slot = slot(Specs.program("web").startRetries(2).build());
        launcher.failNext(3, "cannot exec");
        slot.start();
        loop.advanceSeconds(1 + 2);
        assertEquals(FATAL, slot.state());
        assertEquals(3, launcher.launchCount());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        assertEquals(4, launcher.launchCount(), "start spawned it again");
        assertEquals(STARTING, slot.state());
        assertFalse(future.isDone());

        loop.advanceSeconds(1);

        Actions.Result result = only(future);
        assertTrue(result.ok(), result.toString());
        assertEquals(RUNNING, result.state());
    }

    @Test
    void startThatEndsInBackoffCompletesNotOkWithTheSpawnError() {
        ProcessSlot slot = slot("web");
        launcher.failNext(1, "can't find command '/opt/web' (/opt/web does not exist)");

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertEquals(BACKOFF, result.state());
        assertEquals("can't find command '/opt/web' (/opt/web does not exist)", result.message(),
                "the spawn error says it all: a process never started has no log to see");
    }

    @Test
    void startThatExitsTooQuicklyCompletesNotOk() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(5).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.advanceSeconds(1);
        assertFalse(future.isDone());
        launcher.exitLast(ExitStatus.exited(1));

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertEquals(BACKOFF, result.state());
        assertEquals("Exited too quickly; see `steward logs web` and `steward logs web --stderr`", result.message());
    }

    @Test
    void startClearsStoppedByHand() {
        ProcessSlot slot = slot("web");
        intent.markStopped("web");

        actions.start(targets(slot), ActionTimeout.of(TIMEOUT));

        assertFalse(intent.stoppedByHand("web"));
    }

    @Test
    void startSpawnsLowestPriorityFirstAndAnswersInTheOrderAsked() {
        // supervisorctl's `start all` spawns by priority; the daemon names `all` in name order.
        ProcessSlot api = slot(Specs.program("api").priority(20).build());
        ProcessSlot cache = slot(Specs.program("cache").priority(10).build());
        ProcessSlot db = slot(Specs.program("db").priority(5).build());
        ProcessSlot worker = slot(Specs.program("worker").priority(20).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(api, cache, db, worker), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(List.of("db", "cache", "api", "worker"),
                launcher.launches().stream().map(launch -> launch.slot().name()).toList(),
                "lowest priority first; the order asked within a priority");
        loop.advanceSeconds(1);
        assertEquals(List.of("api", "cache", "db", "worker"), future.join().stream().map(Actions.Result::name).toList());
        future.join().forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    // ---- stop -------------------------------------------------------------------------------------------

    @Test
    void stopCompletesOkWhenTheExitArrivesAndMarksStoppedByHand() {
        ProcessSlot slot = running("web");
        FakeChild child = childOf(slot);

        CompletableFuture<List<Actions.Result>> future = actions.stop(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertTrue(intent.stoppedByHand("web"));
        assertEquals(STOPPING, slot.state());
        assertEquals(List.of(new SentSignal(child.pid(), SIGTERM, false), new SentSignal(child.pid(), SIGCONT, false)),
                child.signals());
        assertFalse(future.isDone(), "not done before the exit arrives");

        child.exit(ExitStatus.killedBy(SIGTERM));

        Actions.Result result = only(future);
        assertTrue(result.ok(), result.toString());
        assertEquals(STOPPED, result.state());
        assertEquals("stopped (terminated by SIGTERM)", result.message());
        assertTrue(intent.stoppedByHand("web"), "still stopped by hand afterwards");
        assertEquals(0, loop.pendingTimers(), "stop timeout and action timeout are cancelled");
    }

    @Test
    void stopOfStoppedProcessIsOkAndStillMarksIt() {
        ProcessSlot slot = slot("web");

        Actions.Result result = only(actions.stop(targets(slot), ActionTimeout.of(TIMEOUT)));

        assertTrue(result.ok());
        assertEquals("already stopped", result.message());
        assertTrue(intent.stoppedByHand("web"));
    }

    @Test
    void stopOfAProcessWaitingToRestartCancelsTheRestart() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(0).restartPolicy(RestartPolicy.Always).build());
        slot.start();
        launcher.exitLast(ExitStatus.exited(0)); // at once: its restart waits a second
        assertTrue(slot.restartPending());

        Actions.Result result = only(actions.stop(targets(slot), ActionTimeout.of(TIMEOUT)));

        assertTrue(result.ok(), result.toString());
        assertEquals(STOPPED, result.state());
        loop.advanceSeconds(60);
        assertEquals(1, launcher.launchCount(), "not restarted after all");
    }

    @Test
    void stopOfAProcessInBackoffDoesNotCallTheEarlierExitItsOwn() {
        ProcessSlot slot = slot("web");
        slot.start();
        launcher.exitLast(ExitStatus.exited(1)); // too quickly: BACKOFF, its retry waits
        assertEquals(BACKOFF, slot.state());

        Actions.Result result = only(actions.stop(targets(slot), ActionTimeout.of(TIMEOUT)));

        assertEquals(STOPPED, result.state());
        assertEquals("stopped (its retry cancelled)", result.message(), "the stop made no process exit with status 1");
    }

    @Test
    void aTimeoutOfAFractionOfASecondIsNamedAsGiven() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(5).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(Duration.ofMillis(500)));
        loop.advanceMillis(500);

        assertEquals("timed out after 0.5 s; it is STARTING (its startSeconds is 5: give --timeout 15 or more to wait for"
                + " it)", only(future).message());
    }

    // ---- restart ----------------------------------------------------------------------------------------

    /** The processes of one program of {@code replicas}, each RUNNING. */
    private List<ProcessSlot> runningReplicas(ProgramSpec spec) {
        List<ProcessSlot> slots = new java.util.ArrayList<>();
        for (int index = 0; index < spec.replicas(); index++) {
            ProcessSlot slot = new ProcessSlot(spec, index, loop.clock(), loop, launcher, (s, change) -> actions.onStateChanged(s));
            slot.start();
            slots.add(slot);
        }
        loop.advanceSeconds(spec.startSeconds());
        slots.forEach(slot -> assertEquals(RUNNING, slot.state()));
        return slots;
    }

    @Test
    void restartOfAProgramsThreeProcessesGoesOneAtATime() {
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(3).build());
        ProcessSlot a = web.get(0);
        ProcessSlot b = web.get(1);
        ProcessSlot c = web.get(2);
        FakeChild a1 = childOf(a);
        FakeChild b1 = childOf(b);
        FakeChild c1 = childOf(c);

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(a, b, c), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(List.of(new SentSignal(a1.pid(), SIGTERM, false)), launcher.signalsButCont(), "only web-0 is signalled");
        a1.exit(ExitStatus.killedBy(SIGTERM));
        assertEquals(STARTING, a.state());
        assertTrue(b1.signals().isEmpty(), "web-1 waits while web-0 is STARTING");
        loop.advanceMillis(999);
        assertTrue(b1.signals().isEmpty(), "web-1 waits until web-0 is RUNNING");

        loop.advanceMillis(1);
        assertEquals(RUNNING, a.state());
        assertEquals(List.of(new SentSignal(b1.pid(), SIGTERM, false), new SentSignal(b1.pid(), SIGCONT, false)), b1.signals(),
                "web-1 goes once web-0 is RUNNING");
        assertTrue(c1.signals().isEmpty(), "web-2 waits for web-1");
        assertFalse(future.isDone());

        b1.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(RUNNING, b.state());
        assertEquals(List.of(new SentSignal(c1.pid(), SIGTERM, false), new SentSignal(c1.pid(), SIGCONT, false)), c1.signals(),
                "web-2 goes once web-1 is RUNNING");
        assertFalse(future.isDone());

        c1.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertTrue(future.isDone());
        List<Actions.Result> results = future.join();
        assertEquals(List.of("web-0", "web-1", "web-2"), results.stream().map(Actions.Result::name).toList());
        results.forEach(r -> assertTrue(r.ok(), r.toString()));
        results.forEach(r -> assertEquals(RUNNING, r.state()));
        assertEquals(6, launcher.launchCount(), "each spawned once more");
        assertEquals(3, launcher.signalsButCont().size(), "each signalled exactly once");
    }

    @Test
    void restartOfSeveralProgramsRestartsThemSideBySideAndAnswersInTheOrderAsked() {
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(2).build());
        ProcessSlot db = running("db");
        ProcessSlot cache = running("cache");

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web.get(0), db, web.get(1), cache), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(List.of(childOf(web.get(0)).pid(), childOf(db).pid(), childOf(cache).pid()),
                launcher.signalsButCont().stream().map(SentSignal::pid).toList(), "one of each program at once; web-1 waits");
        List.of(web.get(0), db, cache).forEach(slot -> childOf(slot).exit(ExitStatus.killedBy(SIGTERM)));
        loop.advanceSeconds(1);
        assertEquals(4, launcher.signalsButCont().size(), "web-1 went once web-0 was RUNNING");
        childOf(web.get(1)).exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertTrue(future.isDone());
        assertEquals(List.of("web-0", "db", "web-1", "cache"), future.join().stream().map(Actions.Result::name).toList());
        future.join().forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    @Test
    void restartOfSeveralProgramsBeginsWithTheLowestPriority() {
        ProcessSlot web = running(Specs.program("web").priority(100).build());
        ProcessSlot db = running(Specs.program("db").priority(1).build());

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web, db), ActionTimeout.of(TIMEOUT));
        loop.runPending();

        assertEquals(List.of(childOf(db).pid(), childOf(web).pid()),
                launcher.signalsButCont().stream().map(SentSignal::pid).toList(), "db first, as start all would");
        childOf(web).exit(ExitStatus.killedBy(SIGTERM));
        childOf(db).exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(List.of("web", "db"), future.join().stream().map(Actions.Result::name).toList());
    }

    /**
     * Not supervisorctl's stop-all-then-start-all: each program is spawned again as soon as it has stopped, so web
     * (priority 100), which stops at once, is back before db (priority 1), which takes its time; docs/cli.md says so.
     */
    @Test
    void restartSpawnsEachProgramAgainAsSoonAsItHasStoppedWhateverItsPriority() {
        ProcessSlot web = running(Specs.program("web").priority(100).build());
        ProcessSlot db = running(Specs.program("db").priority(1).build());
        FakeChild oldDb = childOf(db);
        int before = launcher.launches().size();

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web, db), ActionTimeout.of(TIMEOUT));
        loop.runPending();
        childOf(web).exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        oldDb.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);

        assertEquals(List.of("web", "db"), launcher.launches().subList(before, launcher.launches().size()).stream()
                .map(launch -> launch.slot().name()).toList(), "each spawned when it had stopped");
        future.join().forEach(r -> assertTrue(r.ok(), r.toString()));
    }

    @Test
    void aLaterProcessThatTimesOutNamesTheCommandsTimeout() {
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(2).startSeconds(1).build());
        FakeChild first = childOf(web.get(0));

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web.get(0), web.get(1)), ActionTimeout.of(Duration.ofSeconds(3)));
        loop.runPending();
        first.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1); // web-0 RUNNING; web-1 asked to stop, and it never does
        loop.advanceSeconds(2);

        assertTrue(future.isDone());
        assertEquals("timed out after 3 s; it is STOPPING (its stopTimeoutSeconds is 10: give --timeout 20 or more to wait for"
                + " it)", future.join().get(1).message());
        assertTrue(future.join().get(1).timedOut());
        assertFalse(future.join().get(0).timedOut());
    }

    @Test
    void theTimeoutBoundsTheWholeRestartAndAProcessWhoseTurnComesAfterItIsLeftAlone() {
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(2).startSeconds(3).build());
        FakeChild first = childOf(web.get(0));
        FakeChild second = childOf(web.get(1));

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web.get(0), web.get(1)), ActionTimeout.of(Duration.ofSeconds(2)));
        loop.runPending();
        first.exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(2); // web-0 would be RUNNING only at 3 s

        assertTrue(future.isDone());
        List<Actions.Result> results = future.join();
        assertEquals("timed out after 2 s; it is STARTING (its startSeconds is 3: give --timeout 13 or more to wait for it)", results.get(0).message());
        assertEquals("not restarted: the time (--timeout) ran out while the program's earlier processes restarted; it is"
                + " still RUNNING", results.get(1).message());
        assertFalse(results.get(1).ok());
        assertTrue(results.get(0).timedOut());
        assertTrue(results.get(1).timedOut(), "left for want of time, it may still be restarted: a 504");
        assertTrue(second.signals().isEmpty(), "web-1 was left alone");
    }

    @Test
    void theTimeoutOfARestartIsCountedOnTheLoopsTimeThoughTheWallClockSteppedBack() {
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(2).startSeconds(3).build());
        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web.get(0), web.get(1)), ActionTimeout.of(Duration.ofSeconds(5)));
        loop.runPending();
        loop.stepClock(Duration.ofHours(-1));
        childOf(web.get(0)).exit(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(3); // web-0 is RUNNING again, and web-1 stopping
        childOf(web.get(1)).exit(ExitStatus.killedBy(SIGTERM));

        loop.advanceSeconds(2); // web-1 would be RUNNING only at 6 s

        assertTrue(future.isDone(), "the 5 s are up, not an hour and 5 s");
        assertTrue(future.join().get(1).timedOut());
    }

    @Test
    void restartOfStoppedByHandProcessStartsItAndClearsTheMark() {
        ProcessSlot slot = slot("web");
        intent.markStopped("web");

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(slot), ActionTimeout.of(TIMEOUT));
        loop.advanceSeconds(1);

        assertTrue(only(future).ok());
        assertFalse(intent.stoppedByHand("web"));
    }

    // ---- timeout ----------------------------------------------------------------------------------------

    @Test
    void startTimesOutWhenNotRunningInTime() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(60).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.of(Duration.ofSeconds(10)));
        loop.advanceSeconds(9);
        assertFalse(future.isDone());

        loop.advanceSeconds(1);

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertEquals(STARTING, result.state());
        assertTrue(result.message().contains("timed out"), result.message());
        assertEquals("timed out after 10 s; it is STARTING (its startSeconds is 60: give --timeout 70 or more to wait for it)", result.message());

        loop.advanceSeconds(50);
        assertEquals(RUNNING, slot.state());
        assertFalse(future.join().get(0).ok(), "a late success does not change the result");
    }

    @Test
    void twoWaitsOnOneProcessEachEndOnTheirOwn() {
        ProcessSlot slot = slot(Specs.program("web").startSeconds(20).build());

        CompletableFuture<List<Actions.Result>> patient = actions.start(targets(slot), ActionTimeout.of(Duration.ofSeconds(30)));
        loop.advanceSeconds(1);
        CompletableFuture<List<Actions.Result>> hasty = actions.start(targets(slot), ActionTimeout.of(Duration.ofSeconds(5)));
        assertEquals(1, launcher.launchCount(), "the second start waits for the first");

        loop.advanceSeconds(5);
        assertEquals("timed out after 5 s; it is STARTING (its startSeconds is 20: give --timeout 30 or more to wait for it)", only(hasty).message());
        assertFalse(patient.isDone(), "the other wait on the same process goes on");

        loop.advanceSeconds(14);
        assertTrue(only(patient).ok(), only(patient).toString());
        assertEquals(0, loop.pendingTimers(), "no timer left behind");
    }

    @Test
    void stopTimesOutWhenTheProcessIgnoresTheSignal() {
        ProcessSlot slot = running(Specs.program("web").stopTimeoutSeconds(60).build());

        CompletableFuture<List<Actions.Result>> future = actions.stop(targets(slot), ActionTimeout.of(Duration.ofSeconds(5)));
        loop.advanceSeconds(5);

        Actions.Result result = only(future);
        assertFalse(result.ok());
        assertEquals(STOPPING, result.state());
        assertTrue(result.message().contains("timed out"), result.message());
    }

    @Test
    void aTimeoutNamesTheProcesssOwnTimeOnlyWhenTheTimeoutCouldNotHaveBeenEnough() {
        ProcessSlot slot = running(Specs.program("web").stopTimeoutSeconds(1).build());

        CompletableFuture<List<Actions.Result>> future = actions.stop(targets(slot), ActionTimeout.of(Duration.ofSeconds(5)));
        loop.advanceSeconds(5); // SIGKILL at 1 s, and the process, held by the kernel, has not exited yet

        assertEquals("timed out after 5 s; it is STOPPING", only(future).message(), "5 s was more than its 1 s");
    }

    // ---- timeout from the processes' own settings (no --timeout given) --------------------------------------

    @Test
    void withoutATimeoutStartWaitsOutAStartSecondsLongerThanThirtySeconds() {
        ProcessSlot slot = slot(Specs.program("slow").startSeconds(60).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.fromSettings());
        loop.advanceSeconds(59);
        assertFalse(future.isDone(), "still STARTING, and its own 60 s (and 10 more) not out");

        loop.advanceSeconds(1);

        assertTrue(only(future).ok(), only(future).toString());
        assertEquals(0, loop.pendingTimers(), "the action's timer is cancelled");
    }

    @Test
    void withoutATimeoutStopWaitsItsStopTimeoutAndTenSecondsMoreAndNoLonger() {
        ProcessSlot slot = running(Specs.program("stubborn").stopTimeoutSeconds(60).build());

        CompletableFuture<List<Actions.Result>> future = actions.stop(targets(slot), ActionTimeout.fromSettings());
        loop.advanceSeconds(69); // SIGKILL went at 60 s, and the process, held by the kernel, has not exited yet
        assertFalse(future.isDone());

        loop.advanceSeconds(1);

        assertEquals("timed out after 70 s; it is STOPPING", only(future).message());
        assertTrue(only(future).timedOut());
    }

    @Test
    void withoutATimeoutAShortStopTimeoutStillWaitsThirtySeconds() {
        ProcessSlot slot = running(Specs.program("web").stopTimeoutSeconds(1).build());

        CompletableFuture<List<Actions.Result>> future = actions.stop(targets(slot), ActionTimeout.fromSettings());
        loop.advanceSeconds(29);
        assertFalse(future.isDone(), "never less than the 30 s a given --timeout has by default");

        loop.advanceSeconds(1);

        assertEquals("timed out after 30 s; it is STOPPING", only(future).message());
    }

    @Test
    void withoutATimeoutARestartWaitsForEveryProcessOfAProgramInTurn() {
        // Each process ignores SIGTERM, so each takes its whole 20 s stopTimeout and 3 s startSeconds: 46 s for the two,
        // where 30 s would leave web-1 not restarted.
        List<ProcessSlot> web = runningReplicas(Specs.program("web").replicas(2).startSeconds(3).stopTimeoutSeconds(20).build());
        FakeChild first = childOf(web.get(0));
        FakeChild second = childOf(web.get(1));

        CompletableFuture<List<Actions.Result>> future = actions.restart(targets(web.get(0), web.get(1)), ActionTimeout.fromSettings());
        loop.advanceSeconds(20); // SIGKILL
        first.exit(ExitStatus.killedBy(9));
        loop.advanceSeconds(3); // web-0 RUNNING again; web-1 asked to stop
        loop.advanceSeconds(20);
        second.exit(ExitStatus.killedBy(9));
        loop.advanceSeconds(3);

        List<Actions.Result> results = future.join();
        assertTrue(results.get(0).ok(), results.toString());
        assertTrue(results.get(1).ok(), results.toString());
    }

    @Test
    void aTimeoutFromSettingsIsNeverMoreThanAnHour() {
        ProcessSlot slot = slot(Specs.program("glacial").startSeconds(7200).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(targets(slot), ActionTimeout.fromSettings());
        loop.advanceSeconds(3600);

        assertEquals("timed out after 3600 s; it is STARTING (its startSeconds is 7200: give --timeout 7210 or more to wait for it)",
                only(future).message());
    }

    // ---- signal -----------------------------------------------------------------------------------------

    @Test
    void signalOfRunningProcessSendsIt() {
        ProcessSlot slot = running("web");

        List<Actions.Result> results = actions.signal(targets(slot), SIGHUP);

        assertEquals(1, results.size());
        assertTrue(results.get(0).ok());
        assertEquals("sent SIGHUP", results.get(0).message());
        assertEquals(List.of(new SentSignal(slot.pid(), SIGHUP, false)), childOf(slot).signals());
        assertEquals(RUNNING, slot.state());
    }

    @Test
    void signalOfStoppedProcessReportsNotOk() {
        ProcessSlot slot = slot("web");

        List<Actions.Result> results = actions.signal(targets(slot), SIGHUP);

        assertEquals(1, results.size());
        assertFalse(results.get(0).ok());
        assertEquals(STOPPED, results.get(0).state());
        assertTrue(results.get(0).message().contains("not running (STOPPED)"), results.get(0).message());
        assertTrue(launcher.signals().isEmpty());
    }

    @Test
    void signalOfAProcessThatHasJustDiedSaysSo() {
        // The reaper has the exit, the owner not yet: the process is still RUNNING (or STOPPING) here, and kill fails.
        ProcessSlot slot = running("web");
        childOf(slot).postExit(ExitStatus.exited(0));

        List<Actions.Result> results = actions.signal(targets(slot), SIGHUP);

        assertFalse(results.get(0).ok());
        assertEquals("not signalled: it has just exited (RUNNING until its exit is handled); nothing to signal",
                results.get(0).message());
    }

    @Test
    void signalOfAProcessWaitingForTheRestOfItsGroupSaysSo() {
        // killAsGroup: its process died of the stop signal, a grandchild that ignores SIGTERM lives on, and the process
        // stays STOPPING with no pid of its own: its exit was handled long ago, not "just".
        ProcessSlot slot = running(Specs.program("web").stopAsGroup(true).killAsGroup(true).build());
        childOf(slot).withGroupMembers();
        slot.stop();
        launcher.exitLast(ExitStatus.killedBy(SIGTERM));
        loop.advanceSeconds(1);
        assertEquals(STOPPING, slot.state());

        List<Actions.Result> results = actions.signal(targets(slot), SIGHUP);

        assertFalse(results.get(0).ok());
        assertEquals(STOPPING, results.get(0).state());
        assertEquals("not signalled: its process has exited, and it stays STOPPING until the rest of its process group has"
                + " gone (killAsGroup); nothing to signal", results.get(0).message());
    }

    // ---- unknown ----------------------------------------------------------------------------------------

    @Test
    void unknownProcessIsNotOkNoSuchProcess() {
        List<CompletableFuture<List<Actions.Result>>> futures = List.of(
                actions.start(List.of(unknown("nope")), ActionTimeout.of(TIMEOUT)),
                actions.stop(List.of(unknown("nope")), ActionTimeout.of(TIMEOUT)),
                actions.restart(List.of(unknown("nope")), ActionTimeout.of(TIMEOUT)),
                CompletableFuture.completedFuture(actions.signal(List.of(unknown("nope")), SIGHUP)));

        for (CompletableFuture<List<Actions.Result>> future : futures) {
            Actions.Result result = only(future);
            assertFalse(result.ok());
            assertEquals("nope", result.name());
            assertEquals(UNKNOWN, result.state());
            assertTrue(result.message().startsWith("no such process"), result.message());
        }
        assertFalse(intent.stoppedByHand("nope"), "an unknown name is not remembered");
        assertEquals(0, launcher.launchCount());
    }

    @Test
    void resultsKeepTheOrderOfTheTargets() {
        ProcessSlot a = slot(Specs.program("a").startSeconds(2).build());
        ProcessSlot b = slot(Specs.program("b").startSeconds(1).build());

        CompletableFuture<List<Actions.Result>> future = actions.start(List.of(
                new Actions.Target("a", Optional.of(a)), unknown("x"), new Actions.Target("b", Optional.of(b))), ActionTimeout.of(TIMEOUT));
        loop.advanceSeconds(1);
        assertFalse(future.isDone(), "waits for every target");
        loop.advanceSeconds(1);

        assertEquals(List.of("a", "x", "b"), future.join().stream().map(Actions.Result::name).toList());
        assertEquals(List.of(true, false, true), future.join().stream().map(Actions.Result::ok).toList());
    }
}
