package dev.steward.supervise;

import dev.steward.supervise.ChildLedger.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping what an earlier daemon left: real children of this JVM play the leftovers, noted in a ledger as that
 * daemon noted them (ProcessBuilder, not PosixSpawner: a second waitpid(-1) reaper in this JVM could take the exits of
 * another test's children).
 */
class LeftoverChildrenTest {
    private static final long SELF = ProcessHandle.current().pid();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;
    private final List<Process> children = new ArrayList<>();
    private final List<Long> grandchildren = new ArrayList<>();
    private final List<String> heard = new ArrayList<>();
    private final List<ChildLedger> ledgers = new ArrayList<>();

    private final LeftoverChildren.Listener listener = new LeftoverChildren.Listener() {
        @Override
        public void found(long daemonPid, List<Entry> running) {
            heard.add("found " + (daemonPid == SELF ? "self" : daemonPid) + " " + running.stream().map(Entry::process).toList());
        }

        @Override
        public void groupLeft(Entry child) {
            heard.add("group left " + child.process());
        }

        @Override
        public void killing(Entry child) {
            heard.add("killing " + child.process());
        }

        @Override
        public void stopped(Entry child, boolean killed) {
            heard.add("stopped " + child.process() + (killed ? " killed" : ""));
        }

        @Override
        public void stuck(Entry child, boolean denied) {
            heard.add("stuck " + child.process() + (denied ? " denied" : ""));
        }

        @Override
        public void elsewhere(long daemonPid, Path aside) {
            heard.add("elsewhere " + daemonPid + " " + stateDir.relativize(aside));
        }
    };

    @AfterEach
    void killEveryProcessAndCloseEveryLedger() {
        ledgers.forEach(ChildLedger::close);
        children.forEach(Process::destroyForcibly);
        grandchildren.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private ChildLedger begin() {
        ChildLedger ledger = ChildLedger.begin(stateDir, List.of(), message -> { });
        ledgers.add(ledger);
        return ledger;
    }

    /** Runs {@code script} as the daemon runs a child of {@code spec}, and notes it in {@code ledger} as the daemon does. */
    private int child(ChildLedger ledger, String process, dev.steward.manifest.ProgramSpec spec, String script) throws IOException {
        long firstTick = ledger.beforeSpawn();
        int pid = child(script);
        ledger.record(pid, firstTick, process, spec);
        return pid;
    }

    /** Runs {@code script} in a session and process group of its own, as a daemon's child runs. */
    private int child(String script) throws IOException {
        Process child = new ProcessBuilder("setsid", "/bin/sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        children.add(child);
        // setsid execs in place (a child of the JVM leads no group), so the pid is the shell's; it has its session once the
        // shell runs, which the marker of its own pid proves.
        return (int) child.pid();
    }

    private static boolean alive(long pid) throws IOException {
        return ProcStat.read((int) pid).filter(stat -> !stat.finished()).isPresent();
    }

    private static void awaitFile(Path file) {
        await().atMost(PATIENCE).until(() -> Files.exists(file) && Files.readString(file).endsWith("\n"));
    }

    @Test
    void eachGetsItsStopSignalAndThoseThatIgnoreItGetSigkillAfterTheirStopTimeout() throws Exception {
        Path ready = stateDir.resolve("ready");
        ChildLedger ledger = begin();
        int obedient = child(ledger, "obedient", Specs.program("obedient").stopTimeoutSeconds(30).build(),
                "echo > " + ready + "-1; exec sleep 1000");
        int stubborn = child(ledger, "stubborn", Specs.program("stubborn").stopTimeoutSeconds(1).build(),
                "trap '' TERM; echo > " + ready + "-2; exec sleep 1000"); // an ignored signal stays ignored over exec
        awaitFile(Path.of(ready + "-1"));
        awaitFile(Path.of(ready + "-2"));

        assertEquals(List.of(), LeftoverChildren.stopAll(stateDir, listener), "nothing is left for the next daemon");

        assertEquals(List.of("found self [obedient, stubborn]", "stopped obedient", "killing stubborn", "stopped stubborn killed"), heard);
        assertFalse(alive(obedient));
        assertFalse(alive(stubborn));
    }

    @Test
    void aGroupStopReachesTheGrandchildren() throws Exception {
        Path grandchild = stateDir.resolve("grandchild");
        child(begin(), "web", Specs.program("web").stopAsGroup(true).build(),
                "sleep 1000 & echo $! > " + grandchild + "; wait");
        awaitFile(grandchild);
        long grandchildPid = Long.parseLong(Files.readString(grandchild).trim());
        grandchildren.add(grandchildPid);

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of("found self [web]", "stopped web"), heard);
        await().atMost(PATIENCE).until(() -> !alive(grandchildPid));
    }

    /**
     * With killAsGroup a stop lasts until the child's whole process group has gone, as a stop by the daemon does: a member
     * that ignores the stop signal outlives the child, and would otherwise run on beside the program started again.
     */
    @Test
    void whatIsLeftOfTheGroupAfterTheChildHasGoneGetsSigkillAfterTheStopTimeout() throws Exception {
        Path grandchild = stateDir.resolve("grandchild");
        Path deaf = stateDir.resolve("deaf");
        int pid = child(begin(), "web", Specs.program("web").stopAsGroup(true).killAsGroup(true).stopTimeoutSeconds(1).build(),
                "(trap '' TERM; echo > " + deaf + "; exec sleep 1000) & echo $! > " + grandchild + "; wait");
        awaitFile(grandchild);
        awaitFile(deaf);
        long grandchildPid = Long.parseLong(Files.readString(grandchild).trim());
        grandchildren.add(grandchildPid);

        assertEquals(List.of(), LeftoverChildren.stopAll(stateDir, listener), "nothing is left for the next daemon");

        assertEquals(List.of("found self [web]", "group left web", "killing web", "stopped web killed"), heard);
        assertFalse(alive(grandchildPid));
        assertFalse(ProcStat.liveMembersByGroup().containsKey(pid), "the group has gone (but for zombies that init has yet to wait for)");
    }

    /**
     * A zombie is still found by kill(2) in its process group, yet has nothing left to stop: a group of only the child,
     * ended and not waited for by its new parent (a subreaper that never waits, a container's main process that is no
     * init), has gone, where its stop waited out the stop timeout and SIGKILL and reported the group as not stopped.
     */
    @Test
    void aGroupLeftWithOnlyZombiesHasGone() throws Exception {
        Path led = stateDir.resolve("led");
        ChildLedger ledger = begin();
        long firstTick = ledger.beforeSpawn();
        // The leftover leads a group of its own, as the child of a shell that then never waits for it.
        child("setsid sh -c 'echo $$ > " + led + "; exec sleep 1000' & exec sleep 1000");
        awaitFile(led);
        int pid = Integer.parseInt(Files.readString(led).trim());
        grandchildren.add((long) pid);
        ledger.record(pid, firstTick, "web", Specs.program("web").stopAsGroup(true).killAsGroup(true).stopTimeoutSeconds(5).build());

        assertEquals(List.of(), LeftoverChildren.stopAll(stateDir, listener), "nothing is left for the next daemon");

        assertEquals(List.of("found self [web]", "stopped web"), heard, "not after its stop timeout and SIGKILL");
        assertEquals('Z', ProcStat.read(pid).orElseThrow().state(), "its parent has not waited for it");
    }

    /** Without killAsGroup nothing of the group is waited for, as in a stop by the daemon. */
    @Test
    void withoutKillAsGroupWhatIsLeftOfTheGroupIsNotWaitedFor() throws Exception {
        Path grandchild = stateDir.resolve("grandchild");
        Path deaf = stateDir.resolve("deaf");
        child(begin(), "web", Specs.program("web").stopAsGroup(true).killAsGroup(false).stopTimeoutSeconds(30).build(),
                "(trap '' TERM; echo > " + deaf + "; exec sleep 1000) & echo $! > " + grandchild + "; wait");
        awaitFile(grandchild);
        awaitFile(deaf);
        long grandchildPid = Long.parseLong(Files.readString(grandchild).trim());
        grandchildren.add(grandchildPid);

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of("found self [web]", "stopped web"), heard);
        assertTrue(alive(grandchildPid));
    }

    /** Stopped by job control, it could not act on its stop signal until continued: it would wait out its stop timeout. */
    @Test
    void aStoppedChildIsContinuedAfterItsStopSignalAndEndsByItNotBySigkill() throws Exception {
        Path grandchild = stateDir.resolve("grandchild");
        Path termed = stateDir.resolve("termed");
        int pid = child(begin(), "paused", Specs.program("paused").stopTimeoutSeconds(60).build(),
                "trap 'echo > " + termed + "; exit 0' TERM; sleep 1000 & echo $! > " + grandchild + "; wait");
        awaitFile(grandchild);
        grandchildren.add(Long.parseLong(Files.readString(grandchild).trim()));
        assertEquals(0, LibC.kill(pid, 19)); // kill -STOP
        await().atMost(PATIENCE).until(() -> ProcStat.read(pid).orElseThrow().state() == 'T');

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of("found self [paused]", "stopped paused"), heard, "not after its 60 s stop timeout and SIGKILL");
        assertTrue(Files.exists(termed), "its TERM trap ran");
    }

    /** A child that has left the group it led (or never led one) is signalled itself: its pid names no group. */
    @Test
    void aGroupStopToAChildThatLeadsNoGroupReachesTheChild() throws Exception {
        ChildLedger ledger = begin();
        long firstTick = ledger.beforeSpawn();
        Process child = new ProcessBuilder("sleep", "1000").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // in this JVM's process group
        children.add(child);
        ledger.record((int) child.pid(), firstTick, "web", Specs.program("web").stopAsGroup(true).stopTimeoutSeconds(30).build());

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of("found self [web]", "stopped web"), heard);
        assertFalse(alive(child.pid()));
    }

    @Test
    void aPidNowHeldByAnotherProcessIsLeftAlone() throws Exception {
        int pid = child("exec sleep 1000");
        long start = ProcStat.read(pid).orElseThrow().startTicks();
        // The ledger's child had this pid but was spawned ticks earlier: the pid has been given to another process since.
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), ChildLedger.here() + " daemon 99\n"
                + new Entry(pid, start - 2, start - 1, "web", 15, false, false, 10).line());

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of("found 99 []"), heard);
        assertTrue(alive(pid));
    }

    /** A container sharing the state directory with the host: the pids in the file are other processes here. */
    @Test
    void aLedgerFromAnotherPidNamespaceStopsNothingAndIsSetAside() throws Exception {
        int pid = child("exec sleep 1000");
        long start = ProcStat.read(pid).orElseThrow().startTicks();
        String text = ChildLedger.here().replace("pidns pid:", "pidns pid:1") + " daemon 99\n"
                + new Entry(pid, start, start, "web", 15, false, false, 10).line();
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), text);

        assertEquals(List.of(), LeftoverChildren.stopAll(stateDir, listener));

        assertEquals(List.of("elsewhere 99 children.elsewhere"), heard);
        assertTrue(alive(pid));
        assertEquals(text, Files.readString(stateDir.resolve("children.elsewhere")));
    }

    /**
     * A container's main process, killed (docker kill, the OOM killer, docker stop's SIGKILL), took every process of its
     * pid namespace with it; the container restarted on the same state volume is in a new namespace: nothing to stop,
     * and nothing to warn about.
     */
    @Test
    void aLedgerOfTheFirstProcessOfAPidNamespaceStopsNothingAndNeedsNoWarning() throws Exception {
        int pid = child("exec sleep 1000");
        long start = ProcStat.read(pid).orElseThrow().startTicks();
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), ChildLedger.here().replace("pidns pid:", "pidns pid:1")
                + " daemon 1\n" + new Entry(pid, start, start, "web", 15, false, false, 10).line());

        assertEquals(List.of(), LeftoverChildren.stopAll(stateDir, listener));

        assertEquals(List.of("found 1 []"), heard, "its processes ended with it: not one of another namespace's");
        assertFalse(Files.exists(stateDir.resolve("children.elsewhere")));
        assertTrue(alive(pid));
    }

    @Test
    void aLedgerWrittenBeforeTheMachineLastBootedIsIgnored() throws Exception {
        int pid = child("exec sleep 1000");
        long start = ProcStat.read(pid).orElseThrow().startTicks();
        Files.writeString(stateDir.resolve(ChildLedger.FILE_NAME), "boot 00000000-0000-0000-0000-000000000000 daemon 99\n"
                + new Entry(pid, start, start, "web", 15, false, false, 10).line());

        LeftoverChildren.stopAll(stateDir, listener);

        assertEquals(List.of(), heard);
        assertTrue(alive(pid));
    }

    @Test
    void noLedgerMeansTheEarlierDaemonStoppedItsChildren() throws Exception {
        LeftoverChildren.stopAll(stateDir, listener);
        assertEquals(List.of(), heard);
    }
}
