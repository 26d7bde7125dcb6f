package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The state machine of one process instance, with Supervisor's states, transitions and timing
 * (see REFERENCE.md section 1). Lives on the owner thread only: no locks, nothing blocks; deadlines
 * are owner-loop timers.
 */
public final class ProcessSlot {
    /**
     * How often the process group of a child that exited while stopping is looked at ({@code kill(-pgid, 0)}) while
     * others of the group live on: on the owner's timer, so no thread per process.
     */
    static final Duration GROUP_POLL = Duration.ofMillis(100);
    /** How long a group is waited for after its SIGKILL (a member in uninterruptible sleep) before it is left. */
    static final Duration AFTER_GROUP_KILL = Duration.ofSeconds(LeftoverChildren.AFTER_KILL_SECONDS);

    private final int index;
    private final Clock clock;
    private final OwnerLoop loop;
    private final Launcher launcher;
    private final Listener listener;
    private final RestartPacing pacing = new RestartPacing();

    private ProgramSpec spec;
    private ProgramSpec spawnedWith;
    /**
     * Whose stop settings (signal, timeout, groups) stop the child: the spec it was started with, and each later one
     * applied to it in place; not one that replaces it (a changed command), which the child was not written for: it is
     * stopped as it would have been before that change, as supervisord's update stops the old program under its old
     * settings.
     */
    private ProgramSpec stopsWith;
    private ProcessState state = ProcessState.STOPPED;
    private ChildProcess child;
    private Object attempt;
    private OwnerLoop.Timer timer;
    private int backoff;
    private boolean killing;
    /** When the stop being made sends SIGKILL, on {@link OwnerLoop#nanoTime()}: {@code stopTimeoutSeconds} after the stop signal. */
    private long killAtNanos;
    /** That stop's {@code stopTimeoutSeconds}, as its messages say it: a spec changed in place meanwhile moves no deadline. */
    private long killAfterSeconds;
    /** Whether the stop being made has sent SIGKILL to the child's process group. */
    private boolean groupKilled;
    /**
     * The child that exited while stopping, under {@code killAsGroup}, whose process group still has members (a
     * grandchild that ignores the stop signal): waited for, STOPPING, until the group is empty; null otherwise.
     */
    private ChildProcess leftGroup;
    /** Whether the wait for {@link #leftGroup} has been said (a STOPPING notice). */
    private boolean groupAnnounced;
    private boolean startWhenStopped;
    /** The daemon shuts down: nothing starts this process again, since nothing would stop it. */
    private boolean startsNoMore;
    private boolean everStarted;
    private int restarts;
    /** When the automatic restart (EXITED) or retry (BACKOFF) waiting on {@link #timer} is due; null when none waits. */
    private Instant restartAt;
    /** {@link #restartAt} on {@link OwnerLoop#nanoTime()}, which a change of spec compares a re-decided wait with. */
    private long restartDueNanos;
    private Instant startedAt;
    /**
     * The last spawn and exit on {@link OwnerLoop#nanoTime()}: how long a run lasted is measured there, not on the wall
     * clock, which NTP or {@code date -s} may step back (a run of minus an hour made its restart wait an hour).
     */
    private long startedNanos;
    private long exitedNanos;
    private Instant stoppedAt;
    private LastExit lastExit;
    private String spawnError;

    /** Told of every transition, after it happened. */
    public interface Listener {
        void stateChanged(ProcessSlot slot, StateChange change);
    }

    /** The last time this process ended. */
    public record LastExit(ExitStatus status, boolean expected, Instant at) {
    }

    public ProcessSlot(ProgramSpec spec, int index, Clock clock, OwnerLoop loop, Launcher launcher, Listener listener) {
        this.spec = spec;
        this.index = index;
        this.clock = clock;
        this.loop = loop;
        this.launcher = launcher;
        this.listener = listener;
    }

    // ---- requests -------------------------------------------------------------------------------

    /** Start request (autostart, operator, reconcile). Ignored while already running or starting, and once {@link #startNoMore}. */
    public void start() {
        if (startsNoMore) {
            return;
        }
        if (state == ProcessState.STOPPING) {
            startWhenStopped = true;
        } else if (state.isStoppedGroup()) {
            backoff = 0;
            spawn(false);
        }
    }

    /** Administrative stop: the stop signal now, SIGKILL after {@code stopTimeoutSeconds}. */
    public void stop() {
        startWhenStopped = false;
        switch (state) {
            case RUNNING, STARTING -> kill();
            case BACKOFF, EXITED -> stopWaiting("stopped while waiting to retry", "stopped while waiting to restart");
            default -> {
                // STOPPING continues; stopped states have nothing to stop.
            }
        }
    }

    /**
     * The daemon shuts down: from now on nothing starts this process, since nothing would be left to stop it. A retry
     * (BACKOFF) or restart (EXITED) waiting on its timer ends at once in STOPPED, a start waiting for the stop is
     * dropped, a later exit is final, and start and restart requests do nothing. A process that is up keeps running
     * until the shutdown stops it in its priority level's turn. Also said of an instance its program has dropped for good
     * (scaled away or deleted) once it has stopped.
     */
    public void startNoMore() {
        startsNoMore = true;
        startWhenStopped = false;
        stopWaiting("not retried: the daemon is shutting down", "not restarted: the daemon is shutting down");
    }

    /** BACKOFF, or EXITED with a restart pending: cancels the wait, to STOPPED. */
    private void stopWaiting(String retryDetail, String restartDetail) {
        if (state == ProcessState.BACKOFF) {
            cancelTimer();
            backoff = 0;
            transition(ProcessState.STOPPED, retryDetail);
        } else if (restartPending()) {
            cancelTimer();
            transition(ProcessState.STOPPED, restartDetail);
        }
    }

    /** Stop (if up), then start again: used for restarts and rollouts. Nothing once {@link #startNoMore}. */
    public void restart() {
        if (startsNoMore) {
            return; // the stop comes in the shutdown's order; a stop here would come before a higher level's
        }
        if (state == ProcessState.RUNNING || state == ProcessState.STARTING) {
            // Marked before the STOPPING transition: its listeners (a rollout waiting for this process) must see it
            // coming back up, not stopping for good, or they take another instance down beside it.
            startWhenStopped = true;
            kill();
        } else if (state == ProcessState.STOPPING) {
            startWhenStopped = true;
        } else {
            if (state == ProcessState.BACKOFF) {
                cancelTimer();
            }
            backoff = 0;
            spawn(false);
        }
    }

    /**
     * Applies settings that need no restart (retries, stop policy, exit codes, ...). A restart pending from an exit
     * follows the new spec at once, as if the process had exited under it: cancelled when the new spec would not have
     * restarted that exit; brought forward when it would have waited less (never put off: the wait said at the exit
     * stands as the longest).
     */
    public void updateSpec(ProgramSpec newSpec) {
        String before = name();
        int startSecondsBefore = spec.startSeconds();
        this.spec = newSpec;
        if (state == ProcessState.STARTING && child != null && newSpec.startSeconds() != startSecondsBefore) {
            countStartSecondsAgain();
        }
        if (!outdated()) {
            stopsWith = newSpec;
        }
        if (!name().equals(before) && startedAt != null) {
            // web becomes web-0 when 1 replica becomes 2, and back: said once, as what follows it (metrics, events,
            // logs -f) changes name with it, and what the process was given at its spawn does not. A slot never
            // started has nothing under its old name (a new one, made with the spec the program was added with).
            // The name the process was started with is said only while one runs and it is not this one: scaled back,
            // a process started as web is web again, and the next start of a process that is down takes the new name.
            String startedAs = spawnedWith.processName(index);
            notice(StateChange.RENAMED_FROM + before + ", as its program has " + newSpec.replicas() + " replica"
                    + (newSpec.replicas() == 1 ? "" : "s") + " now" + (child == null || startedAs.equals(name()) ? ""
                    : "; its STEWARD_PROCESS_NAME, and log files named after it, keep the name " + startedAs
                    + " until it restarts"));
        }
        if (restartPending()) {
            reconsiderRestart();
        }
    }

    private void reconsiderRestart() {
        ExitStatus status = lastExit.status();
        if (!restarts(spec, status)) {
            cancelTimer();
            // Left EXITED, as an exit under this spec would be, and so expected or not as this spec's exitCodes say (an
            // exit left unexpected would hold readiness down); the listener hears why the announced restart will not come.
            lastExit = new LastExit(status, expected(spec, status), lastExit.at());
            notice("restart cancelled: its spec no longer restarts this exit (restartPolicy: " + spec.restartPolicy()
                    + (spec.restartPolicy() == RestartPolicy.OnFailure ? ", and " + status + " is one of its exitCodes" : "") + ")");
            return;
        }
        long due = exitedNanos + pacing.reconsidered(spec, Duration.ofNanos(exitedNanos - startedNanos)).length().toNanos();
        if (due - restartDueNanos >= 0) {
            return;
        }
        long now = loop.nanoTime();
        Duration left = Duration.ofNanos(Math.max(0, due - now));
        Duration before = Duration.ofNanos(restartDueNanos - now);
        cancelTimer();
        scheduleRestart(clock.instant(), now, left);
        notice("restart brought forward by its changed spec: restarts in " + seconds(left) + " rather than " + seconds(before));
    }

    /** {@code 2 s}, {@code 0 s}: rounded up, as a wait is never shorter than said. */
    private static String seconds(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        return (millis + 999) / 1000 + " s";
    }

    /**
     * EXITED, and left so, but its spec, changed since ({@code restartPolicy}, {@code exitCodes}), would have restarted
     * it when it exited: supervisord's update restarts a changed program, and a process left EXITED under
     * {@code restartPolicy: Always} would puzzle anyone.
     */
    public boolean restartsUnderItsSpecNow() {
        return state == ProcessState.EXITED && timer == null && lastExit != null && restarts(spec, lastExit.status());
    }

    private static boolean restarts(ProgramSpec spec, ExitStatus status) {
        RestartPolicy policy = spec.restartPolicy();
        return policy == RestartPolicy.Always || (policy == RestartPolicy.OnFailure && !expected(spec, status));
    }

    private static boolean expected(ProgramSpec spec, ExitStatus status) {
        return !status.signaled() && spec.exitCodes().contains(status.code());
    }

    /** Sends a signal to the process; false when it is not in a signallable state or already gone. */
    public boolean signal(int signal) {
        return child != null && state.isSignallable() && child.signal(signal, false);
    }

    // ---- lifecycle --------------------------------------------------------------------------------

    private void spawn(boolean automatic) {
        if (startsNoMore) {
            return; // guards every path to a spawn; the public ones say why
        }
        cancelTimer();
        killing = false;
        spawnError = null;
        everStarted = true;
        if (automatic) {
            restarts++;
        } else {
            pacing.startedByRequest();
        }
        startedAt = clock.instant();
        startedNanos = loop.nanoTime();
        spawnedWith = spec;
        stopsWith = spec;
        Object thisAttempt = new Object();
        attempt = thisAttempt;
        try {
            child = launcher.launch(this, status -> loop.execute(() -> exited(thisAttempt, status)));
        } catch (SpawnException e) {
            child = null;
            spawnError = e.getMessage();
            transition(ProcessState.STARTING, "");
            enterBackoff(StateChange.SPAWN_ERROR + spawnError);
            return;
        }
        transition(ProcessState.STARTING, "pid " + child.pid());
        if (spec.startSeconds() == 0) {
            transition(ProcessState.RUNNING, "pid " + child.pid());
        } else {
            timer = loop.schedule(Duration.ofSeconds(spec.startSeconds()), this::startSecondsElapsed);
        }
    }

    /**
     * A startSeconds changed in place while STARTING counts from the spawn, as the exit check counts it: lowered from 60
     * to 5, the process is RUNNING 5 s after its spawn, not still STARTING (and holding readiness) until 60.
     */
    private void countStartSecondsAgain() {
        cancelTimer();
        long left = startedNanos + Duration.ofSeconds(spec.startSeconds()).toNanos() - loop.nanoTime();
        if (left <= 0) {
            startSecondsElapsed();
        } else {
            timer = loop.schedule(Duration.ofNanos(left), this::startSecondsElapsed);
        }
    }

    private void startSecondsElapsed() {
        timer = null;
        if (state == ProcessState.STARTING) {
            backoff = 0;
            transition(ProcessState.RUNNING, "pid " + child.pid());
        }
    }

    private void enterBackoff(String reason) {
        backoff++;
        transition(ProcessState.BACKOFF, reason);
        if (startsNoMore) {
            backoff = 0;
            transition(ProcessState.STOPPED, "not retried: the daemon is shutting down");
        } else if (backoff > spec.startRetries()) {
            backoff = 0;
            transition(ProcessState.FATAL, "too many start retries too quickly; fix the program and start it");
        } else {
            scheduleRestart(clock.instant(), loop.nanoTime(), Duration.ofSeconds(backoff));
        }
    }

    /** Sends the stop signal to the child, under {@link #stopsWith}'s settings. */
    private void kill() {
        int signal = stopsWith.stopSignal();
        boolean toGroup = stopsWith.stopAsGroup();
        killing = true;
        groupKilled = false;
        cancelTimer(); // only RUNNING and STARTING are stopped so: never one already STOPPING
        transition(ProcessState.STOPPING, "sent SIG" + Signals.name(signal) + (toGroup ? " to its process group" : ""));
        killAfterSeconds = stopsWith.stopTimeoutSeconds();
        killAtNanos = loop.nanoTime() + Duration.ofSeconds(killAfterSeconds).toNanos();
        timer = loop.schedule(Duration.ofSeconds(killAfterSeconds), this::stopTimedOut);
        child.signal(signal, toGroup);
        if (Signals.continuedAfter(signal)) {
            child.signal(Signals.CONT, toGroup); // as systemd does: one stopped by kill -STOP acts on it only once continued
        }
    }

    private void stopTimedOut() {
        timer = null;
        if (state == ProcessState.STOPPING && child != null) {
            // Supervisor's rule: past stopwaitsecs, SIGKILL; if even that fails we stay STOPPING.
            child.signal(9, stopsWith.killAsGroup());
            groupKilled = stopsWith.killAsGroup();
            notice("still running " + killAfterSeconds + " s after the stop signal; sent SIGKILL"
                    + (stopsWith.killAsGroup() ? " to its process group" : ""));
        }
    }

    private void exited(Object ofAttempt, ExitStatus status) {
        if (ofAttempt != attempt || child == null) {
            return;
        }
        Instant now = clock.instant();
        exitedNanos = loop.nanoTime();
        Duration run = Duration.ofNanos(exitedNanos - startedNanos);
        ChildProcess gone = child;
        int pid = gone.pid();
        child = null;
        cancelTimer();
        stoppedAt = now;
        boolean expected = expected(spec, status);
        lastExit = new LastExit(status, expected, now);
        if (killing) {
            if (stopsWith.killAsGroup() && gone.groupAlive()) {
                awaitGroup(gone);
            } else {
                stopped(status.toString());
            }
            return;
        }
        boolean tooQuickly = run.compareTo(Duration.ofSeconds(spec.startSeconds())) < 0;
        if (state == ProcessState.STARTING && tooQuickly) {
            enterBackoff("exited too quickly: " + status + ", pid " + pid);
            return;
        }
        if (state == ProcessState.STARTING) {
            transition(ProcessState.RUNNING, "pid " + pid);
        }
        backoff = 0;
        String exit = status + (expected ? "; expected" : "; not expected");
        if (!restarts(spec, status)) {
            transition(ProcessState.EXITED, exit);
            return;
        }
        if (startsNoMore) {
            transition(ProcessState.EXITED, exit + "; not restarted: the daemon is shutting down");
            return;
        }
        RestartPacing.Wait wait = pacing.exited(spec, run);
        // A wait is armed first: a listener that stops the process on this transition must find the restart to cancel.
        if (wait.backingOff()) {
            scheduleRestart(now, exitedNanos, wait.length());
            transition(ProcessState.EXITED, exit + "; restarts in " + wait.length().toSeconds() + " s "
                    + StateChange.RESTART_BACKOFF + "restart " + wait.inARow() + " in a row, each run shorter than "
                    + spec.restartBackoff().orElseThrow().resetSeconds() + " s)");
        } else if (!wait.length().isZero()) {
            scheduleRestart(now, exitedNanos, wait.length());
            transition(ProcessState.EXITED, exit + "; restarts in " + wait.length().toMillis() + " ms (at most one restart a second)");
        } else {
            transition(ProcessState.EXITED, exit);
            spawn(true);
        }
    }

    /** The stop is over: STOPPED, and started again if that was asked for meanwhile. */
    private void stopped(String detail) {
        killing = false;
        leftGroup = null;
        stoppedAt = clock.instant();
        transition(ProcessState.STOPPED, detail);
        if (startWhenStopped) {
            startWhenStopped = false;
            backoff = 0;
            spawn(false);
        }
    }

    /**
     * The child exited while stopping, but its process group may still have members (a grandchild that ignores the stop
     * signal, or one not reaped yet): the stop goes on (STOPPING, so a restart does not race them for a port and a
     * shutdown waits for them) until the group is empty, and the group gets SIGKILL at the stop's deadline, as the child
     * would have. Its pgid (the child's pid) is given to no other process while a member lives, and is not signalled
     * once the group was found empty. Said only when the group is still there at the first look, a poll later: the
     * members that took the stop signal with the child are usually gone by then.
     */
    private void awaitGroup(ChildProcess leader) {
        leftGroup = leader;
        groupAnnounced = false;
        pollGroupLater();
    }

    private void pollGroupLater() {
        Duration next = GROUP_POLL;
        if (!groupKilled) {
            long toKill = killAtNanos - loop.nanoTime();
            if (toKill < next.toNanos()) {
                next = Duration.ofNanos(Math.max(0, toKill)); // the SIGKILL comes at the deadline, not up to a poll late
            }
        }
        timer = loop.schedule(next, this::pollGroup);
    }

    private void pollGroup() {
        timer = null;
        int pgid = leftGroup.pid();
        if (!leftGroup.groupAlive()) {
            stopped(lastExit.status() + (!groupAnnounced ? "" : groupKilled ? "; the rest of its process group took SIGKILL"
                    : "; the rest of its process group has exited"));
            return;
        }
        if (groupKilled && !leftGroup.groupReachable()) {
            // Only members the daemon may not signal are left (EPERM): the SIGKILL sent while the child lived took the
            // child, not them, and no later signal of the daemon's will reach them either.
            leftAsAnotherUser(pgid);
            return;
        }
        long now = loop.nanoTime();
        if (!groupAnnounced) {
            groupAnnounced = true;
            notice("its process (pid " + pgid + ") has exited (" + lastExit.status() + "); " + StateChange.WAITING_FOR_GROUP
                    + " (pgid " + pgid + ")" + (groupKilled ? ", sent SIGKILL" : ", SIGKILL in "
                    + seconds(Duration.ofNanos(killAtNanos - now))));
        }
        if (!groupKilled && now - killAtNanos >= 0) {
            groupKilled = true;
            if (!leftGroup.signal(9, true) && leftGroup.groupAlive()) {
                // EPERM: what is left runs as another user now, and no signal of the daemon's will reach it; waiting is pointless.
                leftAsAnotherUser(pgid);
                return;
            }
            notice("its process group " + pgid + StateChange.GROUP_STILL_THERE + killAfterSeconds
                    + " s after the stop signal; sent SIGKILL to its process group");
        } else if (groupKilled && now - killAtNanos >= AFTER_GROUP_KILL.toNanos()) {
            stopped(lastExit.status() + "; processes of its process group " + pgid + " are still there "
                    + AFTER_GROUP_KILL.toSeconds() + " s after SIGKILL" + StateChange.GROUP_LEFT + " (pgrep -a -g " + pgid + " lists them)");
            return;
        }
        pollGroupLater();
    }

    /** The stop ends with members of the child's process group left running as another user, whom the daemon may not signal. */
    private void leftAsAnotherUser(int pgid) {
        stopped(lastExit.status() + "; processes of its process group " + pgid + " still run " + killAfterSeconds
                + " s after the stop signal as another user (a setuid program such as sudo), whom the daemon may not"
                + " signal" + StateChange.GROUP_LEFT + " (pgrep -a -g " + pgid + " lists them): stop them as that user,"
                + " or have the program stop them itself on its stop signal");
    }

    /** Arms the timer of an automatic restart (EXITED) or retry (BACKOFF), and notes when it is due. */
    private void scheduleRestart(Instant from, long fromNanos, Duration delay) {
        // From the instant the wait was decided at (an exit's own), not a later reading of the clock: a restart that
        // a spec change re-decides to the same wait must come out at the same instant, not a few microseconds later.
        restartAt = from.plus(delay);
        restartDueNanos = fromNanos + delay.toNanos();
        timer = loop.schedule(delay, this::respawn);
    }

    /** An automatic restart (or a retry from BACKOFF) that waited on a timer is due. */
    private void respawn() {
        timer = null;
        restartAt = null;
        spawn(true);
    }

    private void transition(ProcessState to, String detail) {
        ProcessState from = state;
        state = to;
        listener.stateChanged(this, new StateChange(spec.name(), name(), from, to, pid(), detail, clock.instant(),
                !spec.logs().redirectStderr()));
    }

    /** Something notable that changes no state (from == to): a SIGKILL after the stop timeout, a restart cancelled. */
    private void notice(String detail) {
        listener.stateChanged(this, new StateChange(spec.name(), name(), state, state, pid(), detail, clock.instant(),
                !spec.logs().redirectStderr()));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        restartAt = null;
    }

    // ---- read side --------------------------------------------------------------------------------

    public String name() {
        return spec.processName(index);
    }

    public int index() {
        return index;
    }

    public ProgramSpec spec() {
        return spec;
    }

    public ProcessState state() {
        return state;
    }

    public int pid() {
        return child == null ? 0 : child.pid();
    }

    public int restarts() {
        return restarts;
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    public Optional<Instant> stoppedAt() {
        return Optional.ofNullable(stoppedAt);
    }

    public Optional<LastExit> lastExit() {
        return Optional.ofNullable(lastExit);
    }

    public Optional<String> spawnError() {
        return Optional.ofNullable(spawnError);
    }

    /** True when started at least once (Supervisor's {@code laststart}). */
    public boolean everStarted() {
        return everStarted;
    }

    /** True while an EXITED process waits for its automatic restart (one a second at most, restartBackoff). */
    public boolean restartPending() {
        return state == ProcessState.EXITED && timer != null;
    }

    /** When the automatic restart of an EXITED process, or the retry of one in BACKOFF, is due; empty when none waits. */
    public Optional<Instant> restartAt() {
        return Optional.ofNullable(restartAt);
    }

    /** True while STOPPING once its process has exited, waiting for the rest of its process group ({@code killAsGroup}). */
    public boolean waitingForGroup() {
        return leftGroup != null;
    }

    /** True while a restart is waiting for the stop to finish. */
    public boolean startPending() {
        return startWhenStopped;
    }

    /**
     * True while on its way back up: STARTING, or stopping to start again. Its program takes no other instance down
     * meanwhile, for a rollout or a restart.
     */
    public boolean comingUp() {
        return state == ProcessState.STARTING || startWhenStopped;
    }

    /** True when the running child was started with other launch settings than the current spec. */
    public boolean outdated() {
        // The same spec object is the common case (every state change asks): no settings to compare.
        return spawnedWith != null && child != null && spawnedWith != spec
                && !spawnedWith.launchSettings().equals(spec.launchSettings());
    }

    /** True while the process is up or on its way (it holds, or is about to hold, a child). */
    public boolean active() {
        return state.isRunningGroup() || state == ProcessState.STOPPING;
    }
}
