package dev.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.events.Event;
import dev.steward.supervise.ProcessState;
import dev.steward.supervise.StateChange;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The level of the daemon's line for each event: WARN where supervisord warns, and where the history says Warning. */
class ConsoleEventLogTest {

    private static Event change(ProcessState from, ProcessState to, String detail) {
        return new Event.ProcessStateChanged(new StateChange("web", "web", from, to, 4400, detail, Instant.EPOCH, true));
    }

    @Test
    void anUnexpectedExitIsAWarningAsSupervisordLogsIt() {
        // supervisord: "WARN exited: web (exit status 1; not expected)", "INFO exited: web (exit status 0; expected)"
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.RUNNING, ProcessState.EXITED,
                "exit status 1; not expected")));
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.RUNNING, ProcessState.EXITED,
                "terminated by SIGKILL; not expected")));
        assertEquals("INFO ", ConsoleEventLog.level(change(ProcessState.RUNNING, ProcessState.EXITED,
                "exit status 0; expected")));
    }

    @Test
    void aSigkillAfterTheStopTimeoutIsAWarningAsSupervisordLogsIt() {
        // supervisord: "WARN killing 'web' (4400) with SIGKILL"
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.STOPPING, ProcessState.STOPPING,
                "still running 10 s after the stop signal; sent SIGKILL")));
        assertEquals("INFO ", ConsoleEventLog.level(change(ProcessState.STOPPING, ProcessState.STOPPING,
                "its process (pid 4400) has exited (terminated by SIGTERM); waiting for the rest of its process group"
                        + " (pgid 4400), SIGKILL in 3 s")));
    }

    @Test
    void membersOfItsGroupLeftRunningAfterTheStopAreAWarning() {
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.STOPPING, ProcessState.STOPPED,
                "terminated by SIGTERM; processes of its process group 4400 are still there 5 s after SIGKILL, and are"
                        + " left (pgrep -a -g 4400 lists them)")));
        assertEquals("INFO ", ConsoleEventLog.level(change(ProcessState.STOPPING, ProcessState.STOPPED,
                "terminated by SIGTERM")));
    }

    @Test
    void backoffAndFatalWarnAndTheRestIsInfo() {
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.STARTING, ProcessState.BACKOFF,
                "exited too quickly: exit status 1, pid 4400")));
        assertEquals("WARN ", ConsoleEventLog.level(change(ProcessState.BACKOFF, ProcessState.FATAL,
                "too many start retries too quickly; fix the program and start it")));
        assertEquals("INFO ", ConsoleEventLog.level(change(ProcessState.STOPPED, ProcessState.STARTING, "pid 4400")));
        assertEquals("INFO ", ConsoleEventLog.level(change(ProcessState.STARTING, ProcessState.RUNNING, "pid 4400")));
        assertEquals("INFO ", ConsoleEventLog.level(new Event.OperatorAction(List.of("process/web"), "OperatorStop",
                "stop requested")));
    }
}
