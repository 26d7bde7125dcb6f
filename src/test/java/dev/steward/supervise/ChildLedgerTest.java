package dev.steward.supervise;

import dev.steward.supervise.ChildLedger.Entry;
import dev.steward.supervise.ChildLedger.Previous;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger of children, written for real children of this JVM and read back as the next daemon reads it. */
class ChildLedgerTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @TempDir
    Path stateDir;
    private final List<Process> children = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    @AfterEach
    void killEveryChild() {
        children.forEach(Process::destroyForcibly);
    }

    /** A child of this JVM that sleeps until killed. ProcessBuilder, not PosixSpawner: a second waitpid(-1) reaper in
     * this JVM could take the exits of another test's children. */
    private int sleeper() throws IOException {
        Process child = new ProcessBuilder("sleep", "1000").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(child);
        return (int) child.pid();
    }

    private static long startTicks(int pid) {
        return ProcStat.read(pid).orElseThrow().startTicks();
    }

    /** Starts a sleeper and notes it as the daemon's spawn does: the boot clock read before, the rest after. */
    private int spawn(ChildLedger ledger, String process, dev.steward.manifest.ProgramSpec spec) throws IOException {
        long firstTick = ledger.beforeSpawn();
        int pid = sleeper();
        ledger.record(pid, firstTick, process, spec);
        return pid;
    }

    @Test
    void eachChildIsNotedBetweenTheTicksItsSpawnTookWithHowToStopIt() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, warnings::add);
        int pid = spawn(ledger, "web-0", Specs.program("web").stopSignal(3).stopTimeoutSeconds(7).stopAsGroup(true).killAsGroup(false).build());

        Previous previous = ChildLedger.read(stateDir).orElseThrow();
        assertEquals(SELF, previous.daemonPid());
        assertTrue(previous.sameBoot());
        Entry entry = previous.entries().get(0);
        assertEquals(new Entry(pid, entry.firstTick(), entry.lastTick(), "web-0", 3, true, false, 7), entry);
        assertTrue(entry.firstTick() <= startTicks(pid) && startTicks(pid) <= entry.lastTick(), entry + " " + startTicks(pid));
        assertTrue(entry.running());
        assertFalse(new Entry(pid, entry.lastTick() + 1, entry.lastTick() + 2, "web-0", 3, true, false, 7).running(),
                "a process given the pid after the spawn is another");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aDaemonThatStartsNoChildWritesNoLedger() throws IOException {
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "boot x daemon 99\n");
        ChildLedger.begin(stateDir, warnings::add);
        assertEquals(Optional.empty(), ChildLedger.read(stateDir), "the earlier daemon's is gone once its children are dealt with");
    }

    @Test
    void theFileDropsChildrenThatHaveEndedOnceItHoldsTwiceTheLiveOnesPlusTheSlack() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, warnings::add, 1);
        spawn(ledger, "a", Specs.defaults("a"));
        int second = spawn(ledger, "b", Specs.defaults("b"));
        long secondStart = startTicks(second);
        children.get(1).destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcStat.read(second).filter(stat -> stat.startTicks() == secondStart
                && !stat.finished()).isEmpty());
        assertEquals(List.of("a", "b"), names(), "the file was made for one live child: two lines, below twice that plus the slack");

        spawn(ledger, "c", Specs.defaults("c"));
        assertEquals(List.of("a", "c"), names(), "the third line reached it: rewritten without the child that ended");
        assertEquals(2, ledger.size());
    }

    @Test
    void aDaemonThatHasStoppedEveryChildLeavesNoLedger() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, warnings::add);
        spawn(ledger, "web", Specs.defaults("web"));
        ledger.close();
        assertFalse(Files.exists(stateDir.resolve(ChildLedger.FILE_NAME)));
        assertEquals(Optional.empty(), ChildLedger.read(stateDir));
    }

    @Test
    void aLedgerThatCannotBeWrittenIsReportedOnceAndChildrenStartAsBefore() throws IOException {
        Files.createDirectories(stateDir.resolve(ChildLedger.FILE_NAME).resolve("in-the-way"));
        ChildLedger ledger = ChildLedger.begin(stateDir, warnings::add);
        spawn(ledger, "web", Specs.defaults("web"));
        ledger.close();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot write " + stateDir.resolve(ChildLedger.FILE_NAME) + " ("), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("free the disk or fix the state directory's permissions, then restart the daemon"));
    }

    @Test
    void aLineCutShortByTheDaemonsDeathIsSkipped() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, warnings::add);
        spawn(ledger, "web", Specs.defaults("web"));
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "4242 51145", java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of("web"), names());
    }

    @Test
    void aLedgerWrittenBeforeTheMachineLastBootedSaysSo() throws IOException {
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "boot 00000000-0000-0000-0000-000000000000 daemon 99\n"
                + new Entry(4242, 5114543, 5114544, "web", 15, false, false, 10).line());
        Previous previous = ChildLedger.read(stateDir).orElseThrow();
        assertFalse(previous.sameBoot());
        assertEquals(99, previous.daemonPid());
        assertEquals(1, previous.entries().size());
    }

    private List<String> names() throws IOException {
        return ChildLedger.read(stateDir).orElseThrow().entries().stream().map(Entry::process).toList();
    }
}
