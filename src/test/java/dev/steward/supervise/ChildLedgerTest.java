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
    private final List<String> notices = new ArrayList<>();
    private final List<ChildLedger> ledgers = new ArrayList<>();

    @AfterEach
    void killEveryChildAndCloseEveryLedger() {
        children.forEach(Process::destroyForcibly);
        ledgers.forEach(ChildLedger::close);
    }

    /** A child of this JVM that sleeps until killed. ProcessBuilder, not PosixSpawner: a second waitpid(-1) reaper in
     * this JVM could take the exits of another test's children. */
    private int sleeper() throws IOException {
        Process child = new ProcessBuilder("sleep", "1000").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(child);
        return (int) child.pid();
    }

    private static long startTicks(int pid) throws IOException {
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
        ChildLedger ledger = begin();
        int pid = spawn(ledger, "web-0",
                Specs.program("web").stopSignal(3).stopTimeoutSeconds(7).stopAsGroup(true).killAsGroup(false).build());

        Previous previous = ChildLedger.read(stateDir).orElseThrow();
        assertEquals(SELF, previous.daemonPid());
        assertTrue(previous.here());
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
        begin();
        assertEquals(Optional.empty(), ChildLedger.read(stateDir), "the earlier daemon's is gone once its children are dealt with");
    }

    @Test
    void theFileDropsChildrenThatHaveEndedOnceItHoldsTwiceTheLiveOnesPlusTheSlack() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, List.of(), warnings::add, notices::add, 1,
                ChildLedger.RETRY_TICKS);
        ledgers.add(ledger);
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
        ChildLedger ledger = begin();
        spawn(ledger, "web", Specs.defaults("web"));
        ledger.close();
        assertFalse(Files.exists(stateDir.resolve(ChildLedger.FILE_NAME)));
        assertEquals(Optional.empty(), ChildLedger.read(stateDir));
    }

    @Test
    void aLedgerThatCannotBeWrittenIsReportedOnceAndChildrenStartAsBefore() throws IOException {
        ChildLedger ledger = begin();
        // A full disk: the file opens, and the first write fails.
        Files.createSymbolicLink(stateDir.resolve(ChildLedger.FILE_NAME), Path.of("/dev/full"));
        spawn(ledger, "web-0", Specs.defaults("web"));
        spawn(ledger, "web-1", Specs.defaults("web"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("cannot write " + stateDir.resolve(ChildLedger.FILE_NAME) + " (" + LibC.strerror(28) + "); children are"
                + " supervised as before, but if this daemon dies without stopping them, the next one cannot stop those it left"
                + " running: free the disk or fix the state directory's permissions, and the next start of a process writes"
                + " the file again", warnings.get(0));
    }

    /**
     * A disk that fills up during a line: write(2) writes the part that fits and sets no errno, so the warning named the
     * cause of an earlier failed call ("No such file or directory" from a look at /proc), not the full disk. A file size
     * limit cuts the write the same way.
     */
    @Test
    void aLineCutShortByAFullDiskIsReportedWithItsCause() throws IOException {
        ChildLedger ledger = begin();
        spawn(ledger, "web-0", Specs.defaults("web"));
        Path file = stateDir.resolve(ChildLedger.FILE_NAME);
        long size = Files.size(file);
        int pid = sleeper();
        long firstTick = ledger.beforeSpawn();
        FileSizeLimit.during(size + 10, () -> ledger.record(pid, firstTick, "web-1", Specs.defaults("web")));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot write " + file + " (" + LibC.strerror(FileSizeLimit.EFBIG) + ");"),
                warnings.get(0));
        assertEquals(size + 10, Files.size(file), "the part that fitted");
    }

    /**
     * A full disk for a while: the children spawned meanwhile are kept in memory, and the first spawn once the file can
     * be written (no sooner than the retry interval after the failure, here 0) writes them all.
     */
    @Test
    void aLedgerThatCouldNotBeWrittenIsWrittenWholeAgainOnceItCanBe() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, List.of(), warnings::add, notices::add, ChildLedger.SLACK, 0);
        ledgers.add(ledger);
        Path file = Files.createSymbolicLink(stateDir.resolve(ChildLedger.FILE_NAME), Path.of("/dev/full"));
        Path temp = Files.createDirectories(stateDir.resolve(".children.tmp")); // the rewrite fails as well
        Files.writeString(temp.resolve("in-the-way"), "");
        int first = spawn(ledger, "web-0", Specs.defaults("web"));
        int second = spawn(ledger, "web-1", Specs.defaults("web"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(List.of(), notices);

        Files.delete(temp.resolve("in-the-way"));
        Files.delete(temp);
        int third = spawn(ledger, "web-2", Specs.defaults("web"));

        assertEquals(List.of(file + " is written again: it lists every child this daemon runs, for the next daemon to stop"
                + " should this one die without stopping them"), notices);
        assertEquals(List.of(first, second, third),
                ChildLedger.read(stateDir).orElseThrow().entries().stream().map(Entry::pid).toList(),
                "every child, also those spawned while the file could not be written");
        assertEquals(List.of("web-0", "web-1", "web-2", "web-3"), append(ledger, "web-3"), "appended to as before");
        assertEquals(1, warnings.size());
        assertFalse(Files.exists(temp));
    }

    /**
     * A spawn sooner than the retry interval after the failure leaves the file alone (a process restarting in a loop on a
     * full disk would rewrite it at each spawn), and keeps the child in memory for the write that comes later.
     */
    @Test
    void aLedgerThatCouldNotBeWrittenIsNotTriedAgainBeforeTheRetryInterval() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, List.of(), warnings::add, notices::add, ChildLedger.SLACK,
                3600 * ProcStat.TICKS_PER_SECOND);
        ledgers.add(ledger);
        Path file = Files.createSymbolicLink(stateDir.resolve(ChildLedger.FILE_NAME), Path.of("/dev/full"));
        spawn(ledger, "web-0", Specs.defaults("web"));
        assertEquals(1, warnings.size(), warnings.toString());
        Files.delete(file); // writable again, but the hour has not passed

        spawn(ledger, "web-1", Specs.defaults("web"));

        assertFalse(Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS), "not written within the retry interval");
        assertEquals(List.of(), notices);
        assertEquals(2, ledger.size(), "both kept in memory");
        assertEquals(1, warnings.size(), warnings.toString());
    }

    /** A clean stop deletes the file also after it could not be written: else the next daemon takes the stop for a death. */
    @Test
    void aDaemonThatHasStoppedEveryChildLeavesNoLedgerAlsoAfterAFailedWrite() throws IOException {
        ChildLedger ledger = ChildLedger.begin(stateDir, List.of(), warnings::add, notices::add, ChildLedger.SLACK,
                ChildLedger.RETRY_TICKS);
        Path file = Files.createSymbolicLink(stateDir.resolve(ChildLedger.FILE_NAME), Path.of("/dev/full"));
        spawn(ledger, "web", Specs.defaults("web"));
        assertEquals(1, warnings.size(), warnings.toString());

        ledger.close();

        assertFalse(Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    private List<String> append(ChildLedger ledger, String process) throws IOException {
        spawn(ledger, process, Specs.defaults("web"));
        return names();
    }

    @Test
    void anEarlierLedgerThatCannotBeDeletedIsReportedAsWell() throws IOException {
        Files.createDirectories(stateDir.resolve(ChildLedger.FILE_NAME).resolve("in-the-way"));
        ChildLedger ledger = begin();
        spawn(ledger, "web", Specs.defaults("web"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("cannot write " + stateDir.resolve(ChildLedger.FILE_NAME) + " ("), warnings.get(0));
    }

    @Test
    void childrenAnEarlierDaemonCouldNotStopAreKeptForTheNextOne() throws IOException {
        int pid = sleeper();
        long start = startTicks(pid);
        Entry stuck = new Entry(pid, start, start, "web", 15, false, false, 10);
        ChildLedger ledger = begin(List.of(stuck, new Entry(pid, start - 2, start - 1, "gone", 15, false, false, 10)));
        // It has had its stop signal: the next daemon sends SIGKILL at once, rather than wait its stop timeout again.
        Entry kept = new Entry(pid, start, start, "web", 15, false, false, 0);
        assertEquals(List.of(kept), ChildLedger.read(stateDir).orElseThrow().entries(), "the one that ended is dropped");

        spawn(ledger, "db", Specs.defaults("db"));
        assertEquals(List.of("web", "db"), names());
        ledger.close();
        assertEquals(List.of(kept), ChildLedger.read(stateDir).orElseThrow().entries(), "a clean stop keeps what it did not start");

        children.get(0).destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !stuck.running());
        ChildLedger next = begin(List.of(stuck));
        next.close();
        assertEquals(Optional.empty(), ChildLedger.read(stateDir), "once it has gone, nothing is kept");
    }

    @Test
    void aLineCutShortByTheDaemonsDeathIsSkipped() throws IOException {
        ChildLedger ledger = begin();
        spawn(ledger, "web", Specs.defaults("web"));
        // Cut in the name: eight fields, but no newline.
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "4242 5114543 5114543 15 0 0 10 we",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of("web"), names());
    }

    @Test
    void linesNoDaemonWritesAreIgnoredSoThatNothingElseIsSignalled() throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> lines = List.of(
                "1 0 1 9 1 1 0 init",
                "0 0 1 9 1 1 0 group",
                "-1 0 1 9 1 1 0 everyone",
                self + " 0 1 15 0 0 10 myself",
                "4242 5 4 15 0 0 10 backwards",
                "4242 0 6001 15 0 0 10 wide",
                "4242 0 1 0 0 0 10 nosignal",
                "4242 0 1 65 0 0 10 nosuchsignal",
                "4242 0 1 15 2 0 10 flag",
                "4242 0 1 15 0 0 -1 timeout",
                "4242 0 1 15 0 0 10 Web",
                "4242 0 1 15 0 0 10 web 0",
                "4242 0 1 15 0 0 10 fine");
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), ChildLedger.here() + " daemon 99\n" + String.join("\n", lines) + "\n");
        assertEquals(List.of("fine"), names());
    }

    @Test
    void aLedgerWrittenOnAnotherBootOrInAnotherNamespaceSaysSo() throws IOException {
        Entry entry = new Entry(4242, 5114543, 5114544, "web", 15, false, false, 10);
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "boot 00000000-0000-0000-0000-000000000000 daemon 99\n" + entry.line());
        Previous previous = ChildLedger.read(stateDir).orElseThrow();
        assertFalse(previous.sameBoot());
        assertFalse(previous.here());
        assertEquals(99, previous.daemonPid());
        assertEquals(List.of(entry), previous.entries());

        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), ChildLedger.here().replace("pidns pid:", "pidns pid:1") + " daemon 99\n"
                + entry.line());
        assertTrue(ChildLedger.read(stateDir).orElseThrow().sameBoot());
        assertFalse(ChildLedger.read(stateDir).orElseThrow().here(), "a pid namespace of its own");
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), ChildLedger.here() + " daemon 99\n" + entry.line());
        assertTrue(ChildLedger.read(stateDir).orElseThrow().here());
    }

    @Test
    void aDamagedByteSpoilsItsOwnLineOnly() throws IOException {
        Entry entry = new Entry(4242, 5114543, 5114544, "web", 15, false, false, 10);
        byte[] damaged = {'4', '2', '4', '3', ' ', (byte) 0xff, '\n'};
        Path file = stateDir.resolve(ChildLedger.FILE_NAME);
        Files.writeString(file, ChildLedger.here() + " daemon 99\n" + entry.line());
        Files.write(file, damaged, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(List.of(entry), ChildLedger.read(stateDir).orElseThrow().entries());
    }

    @Test
    void aLedgerSetAsideKeepsItsTextUnderItsReason() throws IOException {
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "boot x daemon 99\n");
        assertEquals(stateDir.resolve("children.unreadable"), ChildLedger.setAside(stateDir, "unreadable"));
        assertEquals("boot x daemon 99\n", Files.readString(stateDir.resolve("children.unreadable")));
        assertEquals(Optional.empty(), ChildLedger.read(stateDir));
    }

    private ChildLedger begin() {
        return begin(List.of());
    }

    private ChildLedger begin(List<Entry> notStopped) {
        ChildLedger ledger = ChildLedger.begin(stateDir, notStopped, warnings::add, notices::add);
        ledgers.add(ledger);
        return ledger;
    }

    private List<String> names() throws IOException {
        return ChildLedger.read(stateDir).orElseThrow().entries().stream().map(Entry::process).toList();
    }
}
