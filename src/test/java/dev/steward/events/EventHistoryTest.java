package dev.steward.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.manifest.ManifestError;
import dev.steward.supervise.ProcessState;
import dev.steward.supervise.StateChange;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Aggregation, bounds, subscriptions and the Event to record mapping of the event history. */
class EventHistoryTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    private final StepClock clock = new StepClock(T0);
    private final EventHistory history = new EventHistory(clock);

    /** A clock that moves only when told. */
    static final class StepClock extends Clock {
        private Instant now;

        StepClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** An event handed over as it happens. */
    private void accept(Event event) {
        history.accept(event, clock.instant());
    }

    private static Event change(ProcessState from, ProcessState to, String detail) {
        return new Event.ProcessStateChanged(new StateChange("web", "web-0", from, to, 1234, detail, T0, true));
    }

    private EventRecord single() {
        List<EventRecord> all = history.all();
        assertEquals(1, all.size(), all.toString());
        return all.get(0);
    }

    // ---- aggregation ----------------------------------------------------------------------------------

    @Test
    void repeatsThatDifferOnlyInDigitsAreAggregated() {
        history.record(EventRecord.WARNING, "BackOff", "process/web-0", "exited too quickly: exit status 1, pid 1234");
        long firstId = single().id();
        clock.advance(Duration.ofSeconds(5));
        history.record(EventRecord.WARNING, "BackOff", "process/web-0", "exited too quickly: exit status 2, pid 98765");
        clock.advance(Duration.ofSeconds(7));
        history.record(EventRecord.WARNING, "BackOff", "process/web-0", "exited too quickly: exit status 1, pid 5");

        EventRecord record = single();
        assertEquals(3, record.count());
        assertEquals(T0, record.firstTimestamp());
        assertEquals(T0.plusSeconds(12), record.lastTimestamp());
        assertEquals("exited too quickly: exit status 1, pid 5", record.message(), "the latest message");
        assertTrue(record.id() > firstId, "the id increases with each occurrence");
        assertEquals(EventRecord.WARNING, record.type());
        assertEquals("BackOff", record.reason());
        assertEquals("process/web-0", record.object());
    }

    @Test
    void onAProgramTheNumbersAreTheMessage() {
        history.record(EventRecord.NORMAL, "Scaled", "program/web", "scaled 1 -> 3 through the API");
        history.record(EventRecord.NORMAL, "Scaled", "program/web", "scaled 3 -> 1 through the API");
        history.record(EventRecord.NORMAL, "Scaled", "program/web", "scaled 3 -> 1 through the API");

        assertEquals(List.of(1, 2), history.all().stream().map(EventRecord::count).toList());
    }

    @Test
    void aProcessThePreviousDaemonLeftIsAWarningOnThatProcessStoppedOrStuck() {
        history.accept(new Event.LeftoverProcess("web-0", "stopped pid 4400, ...", true), T0);
        history.accept(new Event.LeftoverProcess("worker", "pid 4401, ... was not stopped: ...", false), T0);

        assertEquals(List.of("Warning LeftoverStopped process/web-0 stopped pid 4400, ...",
                        "Warning LeftoverStuck process/worker pid 4401, ... was not stopped: ..."),
                history.all().stream().map(r -> r.type() + " " + r.reason() + " " + r.object() + " " + r.message()).toList());
    }

    @Test
    void anAggregatedRecordMovesToTheEnd() {
        history.record(EventRecord.NORMAL, "Running", "process/web-0", "running, pid 1");
        history.record(EventRecord.NORMAL, "Running", "process/api", "running, pid 2");
        history.record(EventRecord.NORMAL, "Running", "process/web-0", "running, pid 3");

        List<EventRecord> all = history.all();
        assertEquals(List.of("process/api", "process/web-0"), all.stream().map(EventRecord::object).toList());
        assertEquals(2, all.get(1).count());
        assertTrue(all.get(1).id() > all.get(0).id());
    }

    @Test
    void manyProcessesInACrashLoopAtOnceAreAggregatedAndPushNothingOut() {
        // 40 processes crash together (a database they need is down): 80 records between two of one process's.
        history.boundBy(() -> 1 + 1 + 40 + 1);
        history.record(EventRecord.NORMAL, "Added", "program/db", "added from /srv/manifests/db.yaml");
        for (int round = 0; round < 30; round++) {
            clock.advance(Duration.ofSeconds(1));
            for (int p = 0; p < 40; p++) {
                int pid = 1000 + round * 40 + p;
                history.record(EventRecord.NORMAL, "Starting", "process/worker-" + p, "started, pid " + pid);
                history.record(EventRecord.WARNING, "BackOff", "process/worker-" + p, "exited too quickly: exit status 1, pid " + pid);
            }
        }

        List<EventRecord> all = history.all();
        assertEquals(1 + 40 * 2, all.size(), "one record for each object and reason");
        assertEquals("program/db", all.get(0).object(), "the crash loops pushed out nothing");
        List<EventRecord> worker = history.about("process/worker-7");
        assertEquals(List.of("Starting", "BackOff"), worker.stream().map(EventRecord::reason).toList());
        assertEquals(30, worker.get(1).count());
        assertEquals(T0.plusSeconds(1), worker.get(1).firstTimestamp());
        assertEquals(T0.plusSeconds(30), worker.get(1).lastTimestamp());
        assertEquals("exited too quickly: exit status 1, pid " + (1000 + 29 * 40 + 7), worker.get(1).message());
    }

    @Test
    void aRecordDroppedForRoomIsNotCountedIn() {
        history.boundBy(() -> 0);
        history.record(EventRecord.NORMAL, "Running", "process/web-0", "running, pid 1");
        for (int i = 0; i < EventHistory.MIN_CAPACITY; i++) {
            history.record(EventRecord.NORMAL, "Started", "program/p" + i, words(i));
        }
        history.record(EventRecord.NORMAL, "Running", "process/web-0", "running, pid 2");

        List<EventRecord> web = history.about("process/web-0");
        assertEquals(1, web.size());
        assertEquals(1, web.get(0).count(), "the first record had gone; the repeat starts a new one");
        assertEquals(EventHistory.MIN_CAPACITY, history.all().size());
    }

    @Test
    void differentReasonsAreNotAggregated() {
        history.record(EventRecord.NORMAL, "Stopping", "process/web-0", "sent SIGTERM");
        history.record(EventRecord.NORMAL, "Stopped", "process/web-0", "sent SIGTERM");

        List<EventRecord> all = history.all();
        assertEquals(2, all.size());
        all.forEach(r -> assertEquals(1, r.count()));
        assertTrue(all.get(1).id() > all.get(0).id());
    }

    @Test
    void differentObjectsTypesOrWordsAreNotAggregated() {
        history.record(EventRecord.WARNING, "Exited", "process/web-0", "exit status 1; not expected");
        history.record(EventRecord.WARNING, "Exited", "process/web-1", "exit status 1; not expected");
        history.record(EventRecord.NORMAL, "Exited", "process/web-0", "exit status 1; not expected");
        history.record(EventRecord.WARNING, "Exited", "process/web-0", "terminated by SIGKILL; not expected");

        assertEquals(4, history.all().size());
        history.all().forEach(r -> assertEquals(1, r.count()));
    }

    // ---- bounds ---------------------------------------------------------------------------------------

    /** A message of letters only, distinct for each i, so that no two records aggregate. */
    private static String words(int i) {
        StringBuilder b = new StringBuilder("m");
        do {
            b.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return b.toString();
    }

    @Test
    void aSmallDaemonKeepsTheMinimumAndDropsTheOldest() {
        history.boundBy(() -> 3);
        for (int i = 0; i < EventHistory.MIN_CAPACITY + 5; i++) {
            history.record(EventRecord.NORMAL, "Started", "process/p" + (char) ('a' + i % 3), words(i));
        }

        List<EventRecord> all = history.all();
        assertEquals(EventHistory.MIN_CAPACITY, all.size());
        assertEquals(6, all.get(0).id(), "the five oldest were dropped");
        assertEquals(EventHistory.MIN_CAPACITY + 5, all.get(all.size() - 1).id());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).id() > all.get(i - 1).id(), "oldest first");
        }
    }

    @Test
    void oneActionOnEveryProcessOfALargeDaemonKeepsEveryRecord() {
        history.boundBy(() -> 1000 + 1000); // 1000 programs of one process each
        for (int p = 0; p < 1000; p++) {
            history.record(EventRecord.NORMAL, "Added", "program/p-" + p, "added");
        }
        // stop all: the request, Stopping and Stopped on each process
        for (String reason : List.of("OperatorStop", "Stopping", "Stopped")) {
            for (int p = 0; p < 1000; p++) {
                history.record(EventRecord.NORMAL, reason, "process/p-" + p, reason.toLowerCase());
            }
        }

        List<EventRecord> all = history.all();
        assertEquals(4000, all.size(), "nothing dropped");
        assertEquals(List.of("OperatorStop", "Stopping", "Stopped"),
                history.about("process/p-0").stream().map(EventRecord::reason).toList());
    }

    @Test
    void whenFullOnlyTheOldestRecordsGoNotEveryObjectsAtOnce() {
        // The bound used to be counted from the objects in the history: dropping the 1000 programs' only
        // records lowered it, and one insert then dropped thousands of records.
        history.boundBy(() -> 2000);
        for (int p = 0; p < 1000; p++) {
            history.record(EventRecord.NORMAL, "Added", "program/p-" + p, "added");
        }
        for (int i = 0; i < 19_000; i++) {
            history.record(EventRecord.NORMAL, "Started", "process/p-" + (i % 1000), words(i / 1000));
        }
        assertEquals(20_000, history.all().size());

        history.record(EventRecord.NORMAL, "Started", "process/p-0", "one more");

        List<EventRecord> all = history.all();
        assertEquals(20_000, all.size(), "one in, one out");
        assertEquals("program/p-1", all.get(0).object());
    }

    @Test
    void removingManyProgramsKeepsTheRecordsOfTheirRemoval() {
        // The bound followed the objects supervised now: once 600 programs were removed, it fell to the minimum and the
        // next record dropped most of what their removal had just recorded.
        int[] objects = {600 + 600};
        history.boundBy(() -> objects[0]);
        for (int p = 0; p < 600; p++) {
            history.record(EventRecord.NORMAL, "Added", "program/p-" + p, "added");
        }
        objects[0] = 600; // the programs are gone, their processes stop
        for (String reason : List.of("Removed", "Stopping", "Stopped")) {
            for (int p = 0; p < 600; p++) {
                history.record(EventRecord.NORMAL, reason, (reason.equals("Removed") ? "program/p-" : "process/p-") + p, "x");
            }
        }
        objects[0] = 0; // they have stopped

        history.record(EventRecord.NORMAL, "Added", "program/q", "added");

        assertEquals(2401, history.all().size(), "nothing dropped");
        assertEquals(List.of("Added", "Removed"), history.about("program/p-0").stream().map(EventRecord::reason).toList());
    }

    @Test
    void theBoundHasACeiling() {
        history.boundBy(() -> 1_000_000);
        for (int p = 0; p < EventHistory.MAX_CAPACITY + 100; p++) {
            history.record(EventRecord.NORMAL, "Added", "program/p-" + p, "added");
        }

        List<EventRecord> all = history.all();
        assertEquals(EventHistory.MAX_CAPACITY, all.size());
        assertEquals(EventHistory.MAX_CAPACITY + 100, all.get(all.size() - 1).id());
    }

    // ---- subscriptions ------------------------------------------------------------------------------

    @Test
    void subscribersReceiveNewAndUpdatedRecordsUntilClosed() throws Exception {
        List<EventRecord> received = new ArrayList<>();
        AutoCloseable subscription = history.subscribe(received::add);

        history.record(EventRecord.WARNING, "BackOff", "process/web-0", "pid 1");
        history.record(EventRecord.WARNING, "BackOff", "process/web-0", "pid 2");
        history.record(EventRecord.NORMAL, "Added", "program/api", "added");

        assertEquals(3, received.size());
        assertEquals(1, received.get(0).count());
        assertEquals(2, received.get(1).count(), "the update is delivered");
        assertEquals("pid 2", received.get(1).message());
        assertEquals("program/api", received.get(2).object());

        subscription.close();
        history.record(EventRecord.NORMAL, "Added", "program/db", "added");
        assertEquals(3, received.size(), "nothing after close");
        assertEquals(3, history.all().size(), "recording goes on");
    }

    @Test
    void aboutFiltersByObject() {
        history.record(EventRecord.NORMAL, "Starting", "process/web-0", "started, pid 1");
        history.record(EventRecord.NORMAL, "Added", "program/web", "added");
        history.record(EventRecord.NORMAL, "Running", "process/web-0", "running, pid 1");
        history.record(EventRecord.NORMAL, "Running", "process/web-00", "running, pid 2");

        List<EventRecord> about = history.about("process/web-0");
        assertEquals(List.of("Starting", "Running"), about.stream().map(EventRecord::reason).toList());
        assertEquals(List.of(), history.about("process/nope"));
    }

    @Test
    void anEventHandedOverLaterKeepsTheTimeItHappened() {
        clock.advance(Duration.ofSeconds(5));
        history.accept(change(ProcessState.STOPPED, ProcessState.STARTING, "pid 1234"), T0.plusMillis(1500));

        assertEquals(T0.plusMillis(1500), single().firstTimestamp());
        assertEquals(T0.plusMillis(1500), single().lastTimestamp());
    }

    // ---- mapping --------------------------------------------------------------------------------------

    @Test
    void anOperatorActionIsARecordOnEachObjectItNames() {
        accept(new Event.OperatorAction(List.of("process/web-0", "process/web-1"), "OperatorStop", "stop requested"));

        List<EventRecord> all = history.all();
        assertEquals(List.of("process/web-0", "process/web-1"), all.stream().map(EventRecord::object).toList());
        for (EventRecord record : all) {
            assertEquals(EventRecord.NORMAL, record.type());
            assertEquals("OperatorStop", record.reason());
            assertEquals("stop requested", record.message());
        }
    }

    @Test
    void anOperatorActionIsOneLogLineNamingAFewObjects() {
        assertEquals("process/web-0: stop requested", new Event.OperatorAction("process/web-0", "OperatorStop", "stop requested").toString());
        assertEquals("process/p1, process/p2, process/p3 and 2 more: stop requested", new Event.OperatorAction(
                List.of("process/p1", "process/p2", "process/p3", "process/p4", "process/p5"), "OperatorStop", "stop requested").toString());
    }

    @Test
    void backoffIsWarningBackOff() {
        accept(change(ProcessState.STARTING, ProcessState.BACKOFF, "exited too quickly: exit status 1, pid 1234"));

        EventRecord record = single();
        assertEquals(EventRecord.WARNING, record.type());
        assertEquals("BackOff", record.reason());
        assertEquals("process/web-0", record.object());
        assertEquals("exited too quickly: exit status 1, pid 1234; its output may say why: steward logs web-0 --stderr (and"
                + " without --stderr)", record.message());
    }

    @Test
    void unexpectedExitIsWarning() {
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "exit status 1; not expected"));

        EventRecord record = single();
        assertEquals(EventRecord.WARNING, record.type());
        assertEquals("Exited", record.reason());
    }

    @Test
    void aWarningAboutAnExitSaysWhereToLookAndASpawnErrorSaysItself() {
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "exit status 3; not expected"));
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "terminated by SIGSEGV (core dumped); not expected"));
        accept(change(ProcessState.STARTING, ProcessState.BACKOFF, "spawn error: cannot run /opt/web: no such file; check"
                + " spec.command"));

        List<String> messages = history.all().stream().map(EventRecord::message).toList();
        assertEquals(List.of("exit status 3; not expected; its output may say why: steward logs web-0 --stderr (and without"
                        + " --stderr); if that code means success, add it to spec.exitCodes",
                "terminated by SIGSEGV (core dumped); not expected; its output may say why: steward logs web-0 --stderr (and"
                        + " without --stderr)",
                "spawn error: cannot run /opt/web: no such file; check spec.command"), messages);
    }

    @Test
    void expectedExitIsNormal() {
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "exit status 0; expected"));

        EventRecord record = single();
        assertEquals(EventRecord.NORMAL, record.type());
        assertEquals("Exited", record.reason());
    }

    @Test
    void anExpectedExitWhoseRestartWaitsIsStillNormal() {
        accept(change(ProcessState.RUNNING, ProcessState.EXITED,
                "exit status 0; expected; restarts in 900 ms (at most one restart a second)"));
        accept(change(ProcessState.RUNNING, ProcessState.EXITED,
                "exit status 1; not expected; restarts in 900 ms (at most one restart a second)"));

        List<EventRecord> all = history.all();
        assertEquals(List.of(EventRecord.NORMAL, EventRecord.WARNING), all.stream().map(EventRecord::type).toList());
    }

    @Test
    void anExitWaitingOutRestartBackoffIsWarningBackOffAsKubectlShowsACrashLoop() {
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "exit status 1; not expected; restarts in 20 s"
                + " (restartBackoff: restart 3 in a row, each run shorter than 600 s)"));
        accept(change(ProcessState.RUNNING, ProcessState.EXITED, "exit status 0; expected; restarts in 40 s"
                + " (restartBackoff: restart 4 in a row, each run shorter than 600 s)"));

        List<EventRecord> all = history.all();
        assertEquals(List.of("Warning BackOff", "Warning BackOff"), all.stream().map(r -> r.type() + " " + r.reason()).toList());
        assertEquals("back-off restarting failed process: exit status 1; not expected; restarts in 20 s (restartBackoff:"
                + " restart 3 in a row, each run shorter than 600 s); its output may say why: steward logs web-0 --stderr (and"
                + " without --stderr)",
                all.get(0).message());
        assertTrue(all.get(1).message().startsWith("back-off restarting exited process: exit status 0; expected;"),
                all.get(1).message());
    }

    @Test
    void stoppingToStoppingNoticeIsKilling() {
        accept(change(ProcessState.STOPPING, ProcessState.STOPPING,
                "still running 10 s after the stop signal; sent SIGKILL"));

        EventRecord record = single();
        assertEquals("Killing", record.reason());
        assertEquals(EventRecord.WARNING, record.type());
        assertEquals("still running 10 s after the stop signal; sent SIGKILL; make it exit on its stopSignal, or give it more"
                + " stopTimeoutSeconds", record.message());
    }

    @Test
    void aKillOfTheRestOfAProcessGroupPointsAtStopAsGroupNotAtTheProcessThatExitedOnItsSignal() {
        // killAsGroup without stopAsGroup: the process exited on its SIGTERM, which the rest of its group never got; the
        // hint told to make the process exit on its stopSignal, which it had
        accept(change(ProcessState.STOPPING, ProcessState.STOPPING, "its process group 1234 still has processes 10 s"
                + " after the stop signal; sent SIGKILL to its process group"));

        assertEquals("its process group 1234 still has processes 10 s after the stop signal; sent SIGKILL to its process"
                + " group; have the rest of its process group exit on the stop signal (stopAsGroup: true sends it to them"
                + " all), or give them more stopTimeoutSeconds", single().message());
    }

    @Test
    void aWarningAboutAProcessWhoseStderrGoesIntoItsStdoutPointsAtItsStdoutAlone() {
        // redirectStderr: `steward logs web-0 --stderr` is refused, there being no stderr log
        history.accept(new Event.ProcessStateChanged(new StateChange("web", "web-0", ProcessState.RUNNING,
                ProcessState.EXITED, 1234, "exit status 3; not expected", T0, false)), clock.instant());

        assertEquals("exit status 3; not expected; its output may say why: steward logs web-0 (its stderr goes there"
                + " too); if that code means success, add it to spec.exitCodes", single().message());
    }

    @Test
    void waitingForTheRestOfAProcessGroupIsNoKilling() {
        String detail = "its process (pid 1234) has exited (terminated by SIGTERM); waiting for the rest of its process group"
                + " (pgid 1234), SIGKILL in 3 s";
        accept(change(ProcessState.STOPPING, ProcessState.STOPPING, detail));

        EventRecord record = single();
        assertEquals("Stopping", record.reason());
        assertEquals(EventRecord.NORMAL, record.type());
        assertEquals(detail, record.message());
    }

    @Test
    void aStopThatLeftProcessesOfItsGroupRunningIsAWarning() {
        String detail = "terminated by SIGTERM; processes of its process group 1234 are still there 5 s after SIGKILL, and"
                + " are left (pgrep -a -g 1234 lists them)";
        accept(change(ProcessState.STOPPING, ProcessState.STOPPED, detail));
        accept(change(ProcessState.STOPPING, ProcessState.STOPPED, "terminated by SIGTERM"));

        List<EventRecord> records = history.all();
        assertEquals(List.of("Warning", "Normal"), records.stream().map(EventRecord::type).toList(),
                "processes running unsupervised are for get events --types Warning; a plain stop is not");
        assertEquals(List.of("Stopped", "Stopped"), records.stream().map(EventRecord::reason).toList());
    }

    @Test
    void aPendingRestartThatItsChangedSpecCancelsOrBringsForwardIsNoKilling() {
        accept(change(ProcessState.EXITED, ProcessState.EXITED,
                "restart cancelled: its spec no longer restarts this exit (restartPolicy: Never)"));

        EventRecord record = single();
        assertEquals("RestartChanged", record.reason());
        assertEquals(EventRecord.NORMAL, record.type());
        assertEquals("restart cancelled: its spec no longer restarts this exit (restartPolicy: Never)", record.message());
    }

    @Test
    void aProcessRenamedByAScaleIsNoKillingInAnyState() {
        String detail = "renamed from web, as its program has 2 replicas now; its STEWARD_PROCESS_NAME, and log files named"
                + " after it, keep the name web until it restarts";
        accept(change(ProcessState.RUNNING, ProcessState.RUNNING, detail));
        accept(change(ProcessState.EXITED, ProcessState.EXITED, detail)); // not a RestartChanged

        EventRecord record = single();
        assertEquals("Renamed", record.reason());
        assertEquals(EventRecord.NORMAL, record.type());
        assertEquals(2, record.count());
    }

    @Test
    void otherTransitionsAreNormal() {
        accept(change(ProcessState.STOPPED, ProcessState.STARTING, "pid 1234"));
        accept(change(ProcessState.STARTING, ProcessState.RUNNING, "pid 1234"));
        accept(change(ProcessState.RUNNING, ProcessState.STOPPING, "sent SIGTERM"));
        accept(change(ProcessState.STOPPING, ProcessState.STOPPED, ""));
        accept(change(ProcessState.BACKOFF, ProcessState.FATAL, "too many start retries"));

        List<EventRecord> all = history.all();
        assertEquals(List.of("Starting", "Running", "Stopping", "Stopped", "Fatal"),
                all.stream().map(EventRecord::reason).toList());
        assertEquals(List.of("Normal", "Normal", "Normal", "Normal", "Warning"),
                all.stream().map(EventRecord::type).toList());
        assertEquals("stopped", all.get(3).message());
    }

    @Test
    void invalidManifestIsWarningOnTheManifestFile() {
        ManifestError error = new ManifestError(Path.of("/etc/steward/manifests/web.yaml"), 9, 13, "spec.replicas",
                "must be a whole number");

        accept(new Event.ManifestInvalid(error, Event.ManifestInvalid.Meanwhile.LAST_GOOD_VERSION));

        EventRecord record = single();
        assertEquals(EventRecord.WARNING, record.type());
        assertEquals("InvalidManifest", record.reason());
        assertEquals("manifest/web.yaml", record.object());
        assertEquals(error + " (the last good version stays in force)", record.message());
        accept(new Event.ManifestInvalid(error, Event.ManifestInvalid.Meanwhile.NOTHING));
        assertTrue(history.all().get(1).message().endsWith(" (nothing from this file runs until it is fixed)"), history.all().toString());
    }

    @Test
    void programAndManifestEventsAreNormal() {
        accept(new Event.ProgramAdded("web", Path.of("/m/web.yaml")));
        accept(new Event.ProgramChanged("web", "applied in place, nothing restarted"));
        accept(new Event.ProgramRemoved("web"));
        accept(new Event.ManifestRecovered(Path.of("/m/web.yaml"), false));
        accept(new Event.ManifestRecovered(Path.of("/m/old.yaml"), true));

        List<EventRecord> all = history.all();
        assertEquals(List.of("Added", "Changed", "Removed", "ManifestFixed", "ManifestRemoved"),
                all.stream().map(EventRecord::reason).toList());
        assertEquals(List.of("program/web", "program/web", "program/web", "manifest/web.yaml", "manifest/old.yaml"),
                all.stream().map(EventRecord::object).toList());
        assertEquals("removed, and its errors with it", all.get(4).message());
        all.forEach(r -> assertEquals(EventRecord.NORMAL, r.type()));
    }

    @Test
    void messagesDifferingOnlyInNumbersHaveTheSameShape() {
        assertTrue(EventHistory.sameShape("running (pid 1)", "running (pid 12345)"));
        assertTrue(EventHistory.sameShape("exit status 1 after 2s", "exit status 137 after 10s"));
        assertTrue(EventHistory.sameShape("", ""));
        assertTrue(EventHistory.sameShape("7", "1234"));
    }

    @Test
    void messagesDifferingInTextOrLengthHaveDifferentShapes() {
        assertFalse(EventHistory.sameShape("running (pid 1)", "stopped (pid 1)"));
        assertFalse(EventHistory.sameShape("exit status 1", "exit status 1; expected"));
        assertFalse(EventHistory.sameShape("exit status 1; expected", "exit status 1"));
        assertFalse(EventHistory.sameShape("pid 1", "pid "));
        assertFalse(EventHistory.sameShape("12a", "12b"));
    }
}
