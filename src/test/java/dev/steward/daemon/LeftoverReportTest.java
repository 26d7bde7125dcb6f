package dev.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.steward.supervise.ChildLedger;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the daemon says of the processes a killed daemon left running. */
class LeftoverReportTest {

    @Test
    void oneProcessLeftRunsAndTwoRun() throws Exception {
        ChildLedger.Entry web = entry(4400, "web");
        ChildLedger.Entry worker = entry(4401, "worker");
        String one = printed(List.of(web));
        String two = printed(List.of(web, worker));
        assertTrue(one.contains("and 1 of its processes still runs: web (pid 4400); stopping it with its program's stop"
                + " signal before"), one);
        assertTrue(two.contains("and 2 of its processes still run: web (pid 4400), worker (pid 4401); stopping them"), two);
    }

    private static ChildLedger.Entry entry(int pid, String process) {
        return new ChildLedger.Entry(pid, 1, 2, process, 15, false, false, 10);
    }

    private static String printed(List<ChildLedger.Entry> running) throws Exception {
        return ConsoleCapture.printed(() -> new LeftoverReport(Clock.systemUTC()).found(4321, running));
    }
}
