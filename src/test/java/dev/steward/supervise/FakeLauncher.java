package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Launcher} that starts nothing: it records each launch and hands out {@link FakeChild}ren
 * with increasing pids (1001, 1002, ...). The test decides when a child exits and how; the exit goes
 * through the callback the slot gave, which posts to the loop, as the real reaper does.
 */
final class FakeLauncher implements Launcher {
    static final int FIRST_PID = 1001;

    /** One call to {@link #launch}: {@code child} is null when it threw. */
    record Launch(ProcessSlot slot, ProgramSpec spec, Consumer<ExitStatus> onExit, FakeChild child, String error) {
        boolean failed() {
            return child == null;
        }
    }

    /** One signal sent to any child. */
    record SentSignal(int pid, int signal, boolean toGroup) {
    }

    private final ManualLoop loop;
    private final List<Launch> launches = new ArrayList<>();
    private final List<FakeChild> children = new ArrayList<>();
    private final List<SentSignal> signals = new ArrayList<>();
    private final Deque<String> failures = new ArrayDeque<>();
    private int nextPid = FIRST_PID;

    FakeLauncher(ManualLoop loop) {
        this.loop = loop;
    }

    /** The next {@code count} launches throw {@link SpawnException} with {@code message}. */
    FakeLauncher failNext(int count, String message) {
        for (int i = 0; i < count; i++) {
            failures.add(message);
        }
        return this;
    }

    @Override
    public ChildProcess launch(ProcessSlot slot, Consumer<ExitStatus> onExit) throws SpawnException {
        String failure = failures.poll();
        if (failure != null) {
            launches.add(new Launch(slot, slot.spec(), onExit, null, failure));
            throw new SpawnException(failure);
        }
        FakeChild child = new FakeChild(nextPid++, onExit);
        children.add(child);
        launches.add(new Launch(slot, slot.spec(), onExit, child, null));
        return child;
    }

    /** Every launch attempt, failed ones included. */
    List<Launch> launches() {
        return List.copyOf(launches);
    }

    int launchCount() {
        return launches.size();
    }

    Launch lastLaunch() {
        return launches.get(launches.size() - 1);
    }

    /** The children started, in order (failed launches have none). */
    List<FakeChild> children() {
        return List.copyOf(children);
    }

    /** The {@code n}th child started, counting from 0. */
    FakeChild child(int n) {
        return children.get(n);
    }

    FakeChild lastChild() {
        return children.get(children.size() - 1);
    }

    /** Every signal sent to any child, in order. */
    List<SentSignal> signals() {
        return List.copyOf(signals);
    }

    /**
     * {@link #signals()} without the SIGCONT that follows each stop signal (ProcessSlotTest checks it), for tests of who is
     * signalled when.
     */
    List<SentSignal> signalsButCont() {
        return signals.stream().filter(sent -> sent.signal() != Signals.CONT).toList();
    }

    /** Child {@code n} dies with {@code status}; its exit is delivered to the loop and processed. */
    void exit(int n, ExitStatus status) {
        child(n).exit(status);
    }

    /** The last child dies with {@code status}; processed at once. */
    void exitLast(ExitStatus status) {
        lastChild().exit(status);
    }

    /** A started child. */
    final class FakeChild implements ChildProcess {
        private final int pid;
        private final Consumer<ExitStatus> onExit;
        private final List<SentSignal> received = new ArrayList<>();
        private boolean dead;
        /** Others of its process group live on (a grandchild that ignores the stop signal), until they exit or are killed. */
        private boolean groupMembers;
        private boolean membersIgnoreKill;
        private boolean membersAnotherUsers;

        FakeChild(int pid, Consumer<ExitStatus> onExit) {
            this.pid = pid;
            this.onExit = onExit;
        }

        @Override
        public int pid() {
            return pid;
        }

        @Override
        public boolean signal(int signal, boolean toGroup) {
            SentSignal sent = new SentSignal(pid, signal, toGroup);
            received.add(sent);
            signals.add(sent);
            boolean reached = !dead || (toGroup && groupMembers && !membersAnotherUsers);
            if (toGroup && signal == 9 && !membersIgnoreKill && !membersAnotherUsers) {
                groupMembers = false;
            }
            return reached;
        }

        /** Looked at, not signalled: not in {@link #signals()}. */
        @Override
        public boolean groupAlive() {
            return !dead || groupMembers;
        }

        /** Looked at, not signalled: not in {@link #signals()}. */
        @Override
        public boolean groupReachable() {
            return !dead || (groupMembers && !membersAnotherUsers);
        }

        /** Others of its process group outlive it, until SIGKILL to the group or {@link #membersExit()}. */
        FakeChild withGroupMembers() {
            groupMembers = true;
            return this;
        }

        /** ... even SIGKILL (stuck in uninterruptible sleep). */
        FakeChild withMembersThatSurviveKill() {
            membersIgnoreKill = true;
            return withGroupMembers();
        }

        /** ... run as another user, whom the daemon may not signal (EPERM): a setuid program such as sudo. */
        FakeChild withMembersOfAnotherUser() {
            membersAnotherUsers = true;
            return withGroupMembers();
        }

        /** The rest of its process group exits. */
        void membersExit() {
            groupMembers = false;
        }

        /** Signals this child received, in order. */
        List<SentSignal> signals() {
            return List.copyOf(received);
        }

        boolean dead() {
            return dead;
        }

        /** Dies with {@code status}: the callback posts to the loop, then the loop runs it. */
        void exit(ExitStatus status) {
            postExit(status);
            loop.runPending();
        }

        /** Dies with {@code status}, but leaves the posted exit in the loop's queue. */
        void postExit(ExitStatus status) {
            dead = true;
            onExit.accept(status);
        }
    }
}
