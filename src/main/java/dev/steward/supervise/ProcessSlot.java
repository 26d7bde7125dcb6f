package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartBackoff;
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
     * Automatic restarts of one process are at least this far apart: a program that exits at once under
     * {@code startSeconds: 0} (nothing to back off from) would otherwise be respawned hundreds of times a
     * second. supervisord's one-second tick gives the same pace; a process that ran longer restarts at once.
     */
    static final Duration MIN_RESTART_INTERVAL = Duration.ofSeconds(1);

    private final int index;
    private final Clock clock;
    private final OwnerLoop loop;
    private final Launcher launcher;
    private final Listener listener;

    private ProgramSpec spec;
    private ProgramSpec spawnedWith;
    private ProcessState state = ProcessState.STOPPED;
    private ChildProcess child;
    private Object attempt;
    private OwnerLoop.Timer timer;
    private int backoff;
    private boolean killing;
    private boolean startWhenStopped;
    private boolean everStarted;
    private int restarts;
    /** Automatic restarts since the last start by request or long run: the crash loop {@code restartBackoff} paces. */
    private int restartsInARow;
    private Instant startedAt;
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

    /** Start request (autostart, operator, reconcile). Ignored while already running or starting. */
    public void start() {
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
            case RUNNING, STARTING -> kill(spec.stopSignal(), spec.stopAsGroup(), "");
            case BACKOFF -> {
                cancelTimer();
                backoff = 0;
                transition(ProcessState.STOPPED, "stopped while waiting to retry");
            }
            case EXITED -> {
                if (restartPending()) {
                    cancelTimer();
                    transition(ProcessState.STOPPED, "stopped while waiting to restart");
                }
            }
            default -> {
                // STOPPING continues; stopped states have nothing to stop.
            }
        }
    }

    /** Stop (if up), then start again: used for restarts and rollouts. */
    public void restart() {
        if (state == ProcessState.RUNNING || state == ProcessState.STARTING) {
            kill(spec.stopSignal(), spec.stopAsGroup(), "");
            startWhenStopped = true;
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

    /** Applies settings that need no restart (retries, stop policy, exit codes, ...). */
    public void updateSpec(ProgramSpec newSpec) {
        this.spec = newSpec;
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
        cancelTimer();
        killing = false;
        spawnError = null;
        everStarted = true;
        if (automatic) {
            restarts++;
        } else {
            restartsInARow = 0; // someone asked for this start: the crash loop before it is not held against it
        }
        startedAt = clock.instant();
        spawnedWith = spec;
        Object thisAttempt = new Object();
        attempt = thisAttempt;
        try {
            child = launcher.launch(this, status -> loop.execute(() -> exited(thisAttempt, status)));
        } catch (SpawnException e) {
            child = null;
            spawnError = e.getMessage();
            transition(ProcessState.STARTING, "");
            enterBackoff("spawn error: " + spawnError);
            return;
        }
        transition(ProcessState.STARTING, "pid " + child.pid());
        if (spec.startSeconds() == 0) {
            transition(ProcessState.RUNNING, "pid " + child.pid());
        } else {
            timer = loop.schedule(Duration.ofSeconds(spec.startSeconds()), this::startSecondsElapsed);
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
        if (backoff > spec.startRetries()) {
            backoff = 0;
            transition(ProcessState.FATAL, "too many start retries too quickly; fix the program and start it");
        } else {
            timer = loop.schedule(Duration.ofSeconds(backoff), this::respawn);
        }
    }

    private void kill(int signal, boolean toGroup, String why) {
        killing = true;
        if (state != ProcessState.STOPPING) {
            cancelTimer();
            transition(ProcessState.STOPPING, "sent SIG" + Signals.name(signal) + (toGroup ? " to its process group" : ""));
            timer = loop.schedule(Duration.ofSeconds(spec.stopTimeoutSeconds()), this::stopTimedOut);
        }
        child.signal(signal, toGroup);
        if (Signals.continuedAfter(signal)) {
            child.signal(Signals.CONT, toGroup); // as systemd does: one stopped by kill -STOP acts on it only once continued
        }
    }

    private void stopTimedOut() {
        timer = null;
        if (state == ProcessState.STOPPING && child != null) {
            // Supervisor's rule: past stopwaitsecs, SIGKILL; if even that fails we stay STOPPING.
            child.signal(9, spec.killAsGroup());
            listener.stateChanged(this, new StateChange(spec.name(), name(), state, state, pid(),
                    "still running " + spec.stopTimeoutSeconds() + " s after the stop signal; sent SIGKILL"
                            + (spec.killAsGroup() ? " to its process group" : ""), clock.instant()));
        }
    }

    private void exited(Object ofAttempt, ExitStatus status) {
        if (ofAttempt != attempt || child == null) {
            return;
        }
        Instant now = clock.instant();
        int pid = child.pid();
        child = null;
        cancelTimer();
        stoppedAt = now;
        boolean expected = expected(spec, status);
        lastExit = new LastExit(status, expected, now);
        if (killing) {
            killing = false;
            transition(ProcessState.STOPPED, status.toString());
            if (startWhenStopped) {
                startWhenStopped = false;
                backoff = 0;
                spawn(false);
            }
            return;
        }
        boolean tooQuickly = Duration.between(startedAt, now).compareTo(Duration.ofSeconds(spec.startSeconds())) < 0;
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
        Duration run = Duration.between(startedAt, now);
        RestartBackoff crashLoop = spec.restartBackoff().orElse(null);
        // Without restartBackoff every exit counts as the first in a row: one added to a program in a crash loop
        // starts at its first wait, not at a count nobody kept.
        restartsInARow = crashLoop == null || crashLoop.resets(run) ? 1 : restartsInARow + 1;
        Duration delay = crashLoop == null ? Duration.ZERO : crashLoop.delay(restartsInARow);
        Duration soonest = MIN_RESTART_INTERVAL.minus(run);
        // A wait is armed first: a listener that stops the process on this transition must find the restart to cancel.
        if (!delay.isZero() && delay.compareTo(soonest) >= 0) {
            timer = loop.schedule(delay, this::respawn);
            transition(ProcessState.EXITED, exit + "; restarts in " + delay.toSeconds() + " s " + StateChange.RESTART_BACKOFF
                    + "restart " + restartsInARow + " in a row, each run shorter than " + crashLoop.resetSeconds() + " s)");
        } else if (soonest.compareTo(Duration.ZERO) > 0) {
            timer = loop.schedule(soonest, this::respawn);
            transition(ProcessState.EXITED, exit + "; restarts in " + soonest.toMillis() + " ms (at most one restart a second)");
        } else {
            transition(ProcessState.EXITED, exit);
            spawn(true);
        }
    }

    /** An automatic restart (or a retry from BACKOFF) that waited on a timer is due. */
    private void respawn() {
        timer = null;
        spawn(true);
    }

    private void transition(ProcessState to, String detail) {
        ProcessState from = state;
        state = to;
        listener.stateChanged(this, new StateChange(spec.name(), name(), from, to, pid(), detail, clock.instant()));
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
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

    /** True while an EXITED process waits for its automatic restart ({@link #MIN_RESTART_INTERVAL}, restartBackoff). */
    public boolean restartPending() {
        return state == ProcessState.EXITED && timer != null;
    }

    /** True while a restart is waiting for the stop to finish. */
    public boolean startPending() {
        return startWhenStopped;
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
