package dev.steward.supervise;

import com.sun.jna.Native;
import dev.steward.supervise.ChildLedger.Entry;
import dev.steward.supervise.ChildLedger.Previous;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops the children that an earlier daemon on this state directory left running when it died without
 * stopping them, before this one starts anything: otherwise each of those programs would run twice (a
 * second web server failing on its port, two workers on one queue), as they do after supervisord is
 * killed. They cannot be taken over instead: their output went into pipes that closed with that daemon,
 * and only their new parent, init, learns how they end. Each gets its program's stop signal and, after
 * its stop timeout, SIGKILL, as a stop by the daemon would give it; all at once, since nothing of theirs
 * is left to order by priority. With killAsGroup, as in a stop by the daemon, the stop lasts until the
 * child's whole process group has gone: a member that ignores the stop signal outlives the child.
 */
public final class LeftoverChildren {
    /** How long a child may take to go after SIGKILL before the daemon goes on without waiting for it. */
    public static final int AFTER_KILL_SECONDS = 5;
    private static final long AFTER_KILL_NANOS = Duration.ofSeconds(AFTER_KILL_SECONDS).toNanos();
    /** They are not our children, so no waitpid tells when they end: /proc is looked at this often. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();
    private static final int SIGKILL = 9;
    /** The pid of a pid namespace's first process, whose end ends every process of the namespace. */
    private static final long INIT = 1;

    private LeftoverChildren() {
    }

    /** What the stopping looks like, as it happens. */
    public interface Listener {
        /** The earlier daemon's ledger was found: {@code running} are those of its children still there (maybe none). */
        void found(long daemonPid, List<Entry> running);

        /**
         * {@code child} has gone, but the process group it led still has processes (killAsGroup): they are waited for,
         * and what is left of them at its stop timeout gets SIGKILL. {@link #killing}, {@link #stopped} and {@link #stuck}
         * that follow are about that group.
         */
        void groupLeft(Entry child);

        /** {@code child} did not stop within its stop timeout, and gets SIGKILL. */
        void killing(Entry child);

        /** {@code child} has gone; {@code killed} when it took SIGKILL. */
        void stopped(Entry child, boolean killed);

        /**
         * {@code child} is still there {@link #AFTER_KILL_SECONDS} after SIGKILL (or could not be looked at); the daemon
         * goes on. {@code denied}: the daemon may not signal it (EPERM).
         */
        void stuck(Entry child, boolean denied);

        /**
         * The ledger was written on this boot but in another time or pid namespace (a container sharing the state
         * directory, say), where its pids and start times mean something else: nothing was stopped, and it was moved to
         * {@code aside}.
         */
        void elsewhere(long daemonPid, Path aside);
    }

    /**
     * Stops the children still running from the ledger in {@code stateDir}, if an earlier daemon left one, and returns
     * when they have all gone (at most the longest stop timeout among them, plus {@link #AFTER_KILL_SECONDS}).
     *
     * @return those still there even then, for the next daemon to try again
     * @throws IOException when the ledger cannot be read
     */
    public static List<Entry> stopAll(Path stateDir, Listener listener) throws IOException {
        Optional<Previous> previous = ChildLedger.read(stateDir);
        if (previous.isEmpty() || !previous.get().sameBoot()) {
            return List.of(); // it stopped its children, or the machine has rebooted since
        }
        if (previous.get().daemonPid() == INIT) {
            // It was the first process of its pid namespace (a container's main process): when it ended, the kernel
            // killed every other process of that namespace, so none of its children is left, wherever it ran. Its
            // namespace is gone, so this one (a container restarted on the same state volume) is another.
            listener.found(INIT, List.of());
            return List.of();
        }
        if (!previous.get().here()) {
            listener.elsewhere(previous.get().daemonPid(), ChildLedger.setAside(stateDir, "elsewhere"));
            return List.of();
        }
        // Not known to have ended: those whose /proc cannot be read (out of descriptors) are waited for and kept as well.
        List<Entry> running = previous.get().entries().stream().filter(entry -> !entry.ended()).toList();
        listener.found(previous.get().daemonPid(), running);
        return stop(running, listener);
    }

    static List<Entry> stop(List<Entry> children, Listener listener) {
        long start = System.nanoTime();
        List<Stopping> left = new ArrayList<>();
        for (Entry child : children) {
            // Its group is waited for only if it is the child's: led by the child when the stop signal goes.
            boolean group = child.killAsGroup() && leadsItsGroup(child);
            boolean denied = !signal(child, child.stopSignal(), child.stopAsGroup());
            if (Signals.continuedAfter(child.stopSignal())) {
                signal(child, Signals.CONT, child.stopAsGroup()); // as a stop by the daemon continues a stopped child
            }
            left.add(new Stopping(child, start + Duration.ofSeconds(child.stopTimeoutSeconds()).toNanos(), denied, group));
        }
        List<Entry> stuck = new ArrayList<>();
        while (!left.isEmpty()) {
            long now = System.nanoTime();
            LiveGroups live = new LiveGroups();
            for (Iterator<Stopping> each = left.iterator(); each.hasNext(); ) {
                Stopping stopping = each.next();
                Entry child = stopping.child;
                boolean ended = child.ended();
                boolean groupLeft = ended && stopping.group && !groupGone(stopping, live);
                if (groupLeft && !stopping.groupLeft) {
                    stopping.groupLeft = true;
                    listener.groupLeft(child);
                }
                if (ended && !groupLeft) {
                    each.remove();
                    listener.stopped(child, stopping.killed);
                } else if (now - stopping.deadline < 0) {
                    continue;
                } else if (!stopping.killed) {
                    stopping.killed = true;
                    stopping.deadline = now + AFTER_KILL_NANOS;
                    listener.killing(child);
                    stopping.denied = !(stopping.groupLeft ? killGroup(stopping, live) : signal(child, SIGKILL, child.killAsGroup()));
                } else {
                    each.remove();
                    stuck.add(child);
                    listener.stuck(child, stopping.denied);
                }
            }
            if (!left.isEmpty()) {
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
        return stuck;
    }

    /**
     * One child being stopped: until when it is waited for, whether it has had SIGKILL, whether a signal was refused,
     * whether its process group is waited for too ({@code group}), whether only that group is left ({@code groupLeft}),
     * and the member of it last seen alive ({@code member}, 0 for none).
     */
    private static final class Stopping {
        final Entry child;
        final boolean group;
        long deadline;
        boolean killed;
        boolean denied;
        boolean groupLeft;
        int member;

        Stopping(Entry child, long deadline, boolean denied, boolean group) {
            this.child = child;
            this.deadline = deadline;
            this.denied = denied;
            this.group = group;
        }
    }

    /** Whether {@code child} is there and leads the process group of its pid, as the daemon spawned it. */
    private static boolean leadsItsGroup(Entry child) {
        try {
            return child.stat().filter(stat -> stat.group() == child.pid()).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A live process of each process group, from one pass over /proc in a round of the polling, made only once a group
     * is asked for: the children of a cold start all end at once, and each group looked for in a pass of its own took 500
     * of them 1.7 s.
     */
    private static final class LiveGroups {
        private Map<Integer, Integer> members;

        /** A live process of {@code group}; 0 when it has none. */
        int memberOf(int group) throws IOException {
            if (members == null) {
                members = ProcStat.liveMembersByGroup();
            }
            return members.getOrDefault(group, 0);
        }
    }

    /**
     * Whether the process group that {@code stopping}'s child, now gone, led has no process left. Its number goes to no
     * other process while one of its members lives, so a process that has the child's pid now came after the whole group
     * had gone. kill(2) also finds a member that has ended and is not yet waited for: a zombie of init's, or of a
     * subreaper's that never waits (a container's main process that is no init), has nothing left to stop, so a group
     * is gone once it has only those. A live member is looked for in /proc only then, and looked at again while it lives.
     */
    private static boolean groupGone(Stopping stopping, LiveGroups live) {
        int pid = stopping.child.pid();
        try {
            // EPERM: a member lives as another user now; the SIGKILL that follows is refused, and said so
            if (ProcStat.read(pid).filter(stat -> !stat.finished()).isPresent()
                    || (LibC.kill(-pid, 0) != 0 && Native.getLastError() != LibC.EPERM)) {
                return true;
            }
            if (stopping.member == 0 || !ProcStat.liveIn(stopping.member, pid)) {
                stopping.member = live.memberOf(pid);
            }
            return stopping.member == 0;
        } catch (IOException e) {
            return false; // cannot be looked at: waited for
        }
    }

    /** SIGKILL to what is left of the group {@code stopping}'s child led; false when the daemon may not signal it (EPERM). */
    private static boolean killGroup(Stopping stopping, LiveGroups live) {
        return groupGone(stopping, live) || LibC.kill(-stopping.child.pid(), SIGKILL) == 0 || Native.getLastError() != LibC.EPERM;
    }

    /** Signals {@code child} if it is still there; false when the daemon may not (EPERM). */
    private static boolean signal(Entry child, int signal, boolean toGroup) {
        // Checked just before, so that a pid given to another process since is never signalled (the window between the
        // check and kill(2) is a pid wrapping around in microseconds), nor a group the child no longer leads.
        Optional<ProcStat> stat;
        try {
            stat = child.stat();
        } catch (IOException e) {
            return true; // cannot be looked at: left alone, and waited for
        }
        if (stat.isEmpty()) {
            return true;
        }
        int target = toGroup && stat.get().group() == child.pid() ? -child.pid() : child.pid();
        return LibC.kill(target, signal) == 0 || Native.getLastError() != LibC.EPERM;
    }
}
