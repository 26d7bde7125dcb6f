package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Operator actions on processes and the waits for their outcome: start waits for RUNNING, stop for a
 * stopped state, restart goes one process of a program at a time. Owner thread only; results are completed in a
 * fresh owner task so continuations never run inside a state transition.
 */
public final class Actions {
    static final String STARTS_NOTHING = "not started: the daemon is shutting down, and a process started now"
            + " would outlive it; start it once the daemon runs again";
    private final OwnerLoop loop;
    private final OperatorIntent intent;
    private final BooleanSupplier shuttingDown;
    private final Predicate<ProcessSlot> current;
    private final Function<ProcessSlot, Optional<ProcessSlot>> comingUpBeside;
    /** Waits by process: every transition looks up only its own process's (stop all: 400 transitions, 200 waits). */
    private final Map<ProcessSlot, List<Waiter>> waiters = new HashMap<>();

    /**
     * A process named by the operator, and its slot when it exists.
     *
     * @param waiting without a slot, the program it will be a process of, when that program waits for the processes
     *                of the removed program of its name to stop
     */
    public record Target(String name, Optional<ProcessSlot> slot, Optional<ProgramSpec> waiting) {
        public Target(String name, Optional<ProcessSlot> slot) {
            this(name, slot, Optional.empty());
        }
    }

    /**
     * What an action did to one process.
     *
     * @param timedOut the time ran out while it was on its way, or before its turn came: it may still get there
     */
    public record Result(String name, String program, boolean ok, ProcessState state, String message, boolean timedOut) {
    }

    private record Waiter(ProcessSlot slot, Function<ProcessSlot, Optional<Result>> outcome,
                          CompletableFuture<Result> future, OwnerLoop.Timer timer) {
    }

    /**
     * @param shuttingDown whether the daemon's shutdown has begun: from then on nothing is started
     * @param current      whether a slot is still one of its program's instances (not scaled away, its program not removed)
     * @param comingUpBeside another instance of a slot's program on its way back up, which a restart waits for
     */
    Actions(OwnerLoop loop, OperatorIntent intent, BooleanSupplier shuttingDown, Predicate<ProcessSlot> current,
            Function<ProcessSlot, Optional<ProcessSlot>> comingUpBeside) {
        this.loop = loop;
        this.intent = intent;
        this.shuttingDown = shuttingDown;
        this.current = current;
        this.comingUpBeside = comingUpBeside;
    }

    /**
     * Spawns the processes lowest {@code priority} first (in the order given within a priority), as supervisord's
     * {@code start all} does and as the daemon starts programs; the results come in the order of {@code targets}.
     */
    CompletableFuture<List<Result>> start(List<Target> targets, ActionTimeout timeout) {
        return intent.batch(() -> {
            List<CompletableFuture<Result>> futures = new ArrayList<>(targets.size());
            for (int i = 0; i < targets.size(); i++) {
                futures.add(null);
            }
            for (int i : byPriority(targets)) {
                futures.set(i, startOne(targets.get(i), timeout));
            }
            return all(futures);
        });
    }

    /** The indexes of {@code targets}, lowest priority first, in their order within a priority (a stable sort). */
    private static List<Integer> byPriority(List<Target> targets) {
        List<Integer> order = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> priority(targets.get(i))));
        return order;
    }

    /** A target's program's priority; one not found last, as it starts nothing. */
    private static int priority(Target target) {
        return target.slot().map(slot -> slot.spec().priority())
                .or(() -> target.waiting().map(ProgramSpec::priority)).orElse(Integer.MAX_VALUE);
    }

    CompletableFuture<List<Result>> stop(List<Target> targets, ActionTimeout timeout) {
        return intent.batch(() -> all(targets.stream().map(target -> stopOne(target, timeout)).toList()));
    }

    /**
     * Restarts each program's processes one at a time, as a rollout does, so that the others keep serving, and the
     * programs side by side: one at a time throughout, `restart all` took a minute for sixty programs, where
     * supervisorctl's takes a few seconds. {@code timeout} bounds the whole command: a process whose turn comes
     * after it is not restarted. Nor is one whose program's process before it did not come back: restarting the
     * rest would take every process of a broken program down, where they keep serving. The results come in the
     * order of {@code targets}.
     */
    CompletableFuture<List<Result>> restart(List<Target> targets, ActionTimeout given) {
        Duration timeout = given.forRestart(specsByProgram(targets));
        long deadline = loop.nanoTime() + timeout.toNanos(); // the loop's time: a wall clock stepped back would stretch it
        Result[] results = new Result[targets.size()];
        Map<String, CompletableFuture<Result>> byProgram = new LinkedHashMap<>();
        Map<String, Result> downAt = new HashMap<>(); // per program, the process that did not come back (owner thread)
        // Each program's first process is sent its stop signal lowest priority first, as start spawns; it is spawned again
        // as soon as it has stopped, so a program that stops sooner is back sooner, whatever its priority.
        for (int i : byPriority(targets)) {
            Target target = targets.get(i);
            int at = i;
            // One not found is alone, under a key no program name can be (they have no NUL).
            String program = target.slot().map(slot -> slot.spec().name()).orElse("\0" + target.name());
            CompletableFuture<Result> before = byProgram.get(program);
            // A stop by hand that comes while this one waits its turn is the operator's later word: it stays stopped.
            boolean stoppedBefore = intent.stoppedByHand(target.name());
            // Asked again at each step: shutdown can begin while an earlier process restarts.
            CompletableFuture<Result> step = before == null ? restartOne(target, deadline, timeout, stoppedBefore)
                    : before.thenCompose(previous -> {
                        if (cameBackDown(previous)) {
                            downAt.putIfAbsent(program, previous);
                        }
                        if (downAt.containsKey(program)) {
                            return CompletableFuture.completedFuture(leftAfter(target, downAt.get(program)));
                        }
                        return restartOne(target, deadline, timeout, stoppedBefore);
                    });
            byProgram.put(program, step.thenApply(result -> {
                results[at] = result;
                return result;
            }));
        }
        return CompletableFuture.allOf(byProgram.values().toArray(CompletableFuture[]::new))
                .thenApply(done -> Arrays.asList(results));
    }

    /** The specs of the targets found, grouped by program: each group restarts one process after another. */
    private static List<List<ProgramSpec>> specsByProgram(List<Target> targets) {
        Map<String, List<ProgramSpec>> byProgram = new LinkedHashMap<>();
        for (Target target : targets) {
            target.slot().ifPresent(slot -> byProgram.computeIfAbsent(slot.spec().name(), name -> new ArrayList<>()).add(slot.spec()));
        }
        return List.copyOf(byProgram.values());
    }

    /**
     * Whether a restart's process ended down (it exited, or could not be spawned): not for a timeout or a shutdown,
     * which the next one reports itself.
     */
    private static boolean cameBackDown(Result previous) {
        return !previous.ok() && (previous.state() == ProcessState.FATAL || previous.state() == ProcessState.BACKOFF
                || previous.state() == ProcessState.EXITED);
    }

    /** A process not restarted, as the one of its program before it did not come back. */
    private static Result leftAfter(Target target, Result previous) {
        ProcessSlot slot = target.slot().orElseThrow(); // a target not found is alone in its chain
        return result(slot, false, "not restarted: " + previous.name() + " did not come back (" + previous.state()
                + "), so it is left as it was, " + slot.state() + "; see why " + previous.name() + " failed, then restart again");
    }

    List<Result> signal(List<Target> targets, int signal) {
        List<Result> results = new ArrayList<>();
        for (Target target : targets) {
            if (target.slot().isEmpty()) {
                results.add(missing(target));
                continue;
            }
            ProcessSlot slot = target.slot().get();
            boolean sent = slot.signal(signal);
            results.add(result(slot, sent, sent ? "sent SIG" + Signals.name(signal) : notSignalled(slot)));
        }
        return results;
    }

    /**
     * Why a signal reached no process of {@code slot}. A signallable process the signal did not reach has just died: its
     * exit is on its way to the owner. One whose exit was handled, and that stays STOPPING for the rest of its process
     * group, has no process to signal.
     */
    private static String notSignalled(ProcessSlot slot) {
        if (slot.waitingForGroup()) {
            return "not signalled: its process has exited, and it stays STOPPING until the rest of its process group has"
                    + " gone (killAsGroup); nothing to signal";
        }
        if (slot.state().isSignallable()) {
            return "not signalled: it has just exited (" + slot.state() + " until its exit is handled); nothing to signal";
        }
        return "not running (" + slot.state() + "); nothing to signal";
    }

    private CompletableFuture<Result> startOne(Target target, ActionTimeout timeout) {
        if (target.slot().isEmpty()) {
            return CompletableFuture.completedFuture(missing(target));
        }
        if (shuttingDown.getAsBoolean()) {
            return CompletableFuture.completedFuture(result(target.slot().get(), false, STARTS_NOTHING));
        }
        ProcessSlot slot = target.slot().get();
        intent.clear(slot.name());
        switch (slot.state()) {
            case RUNNING -> {
                return CompletableFuture.completedFuture(result(slot, true, "already running"));
            }
            case BACKOFF -> slot.restart();
            case STARTING -> {
                // already on its way: wait for the outcome
            }
            default -> slot.start();
        }
        return await(slot, timeout.forStart(slot.spec()), Actions::startOutcome);
    }

    /**
     * @param deadline      on {@link OwnerLoop#nanoTime()}
     * @param stoppedBefore whether it was stopped by hand when the restart was asked for: a later stop is the operator's later word
     */
    private CompletableFuture<Result> restartOne(Target target, long deadline, Duration timeout, boolean stoppedBefore) {
        if (target.slot().isEmpty()) {
            return CompletableFuture.completedFuture(missing(target));
        }
        if (shuttingDown.getAsBoolean()) {
            return CompletableFuture.completedFuture(result(target.slot().get(), false, STARTS_NOTHING));
        }
        ProcessSlot slot = target.slot().get();
        if (!current.test(slot)) {
            // Scaled away or its program removed while it waited its turn: started now, it would run with nothing left to
            // list it or ever stop it.
            return CompletableFuture.completedFuture(result(slot, false, "not restarted: it was removed meanwhile (scaled"
                    + " down, or its program deleted); it is " + slot.state()));
        }
        if (!stoppedBefore && intent.stoppedByHand(slot.name())) {
            return CompletableFuture.completedFuture(result(slot, false, "not restarted: it was stopped by hand"
                    + " meanwhile (`steward stop`), and stays so; it is " + slot.state()));
        }
        Duration left = Duration.ofNanos(deadline - loop.nanoTime());
        if (left.isNegative() || left.isZero()) {
            return CompletableFuture.completedFuture(timedOut(slot, "not restarted: the time (--timeout) ran out while"
                    + " the program's earlier processes restarted; it is still " + slot.state()));
        }
        Optional<ProcessSlot> other = slot.state() == ProcessState.RUNNING ? comingUpBeside.apply(slot) : Optional.empty();
        if (other.isPresent()) {
            // One process of a program down at a time, whatever took the other down (a rollout, another restart, a
            // crash): a RUNNING one goes once that one is back up, or has failed to come back. One that is down anyway
            // (FATAL, say) is started at once.
            return await(other.get(), left, timeout, s -> s.comingUp() ? Optional.empty() : Optional.of(result(s, true, "")))
                    .thenCompose(waited -> waited.timedOut() ? CompletableFuture.completedFuture(timedOut(slot, "not restarted:"
                            + " the time (--timeout) ran out while " + other.get().name() + " came back up; it is still "
                            + slot.state())) : restartOne(target, deadline, timeout, stoppedBefore));
        }
        intent.clear(slot.name());
        slot.restart();
        return await(slot, left, timeout, Actions::startOutcome);
    }

    private static Optional<Result> startOutcome(ProcessSlot slot) {
        return switch (slot.state()) {
            case RUNNING -> Optional.of(result(slot, true, "started, pid " + slot.pid()));
            // A spawn error says what to do; a process that ran and exited too soon left its reasons in its log.
            case BACKOFF, FATAL -> Optional.of(result(slot, false, slot.spawnError().orElse("Exited too quickly; see `steward logs "
                    + slot.name() + "`" + (slot.spec().logs().redirectStderr() ? "" : " and `steward logs " + slot.name() + " --stderr`"))));
            case EXITED -> Optional.of(result(slot, false, "exited right after starting: "
                    + slot.lastExit().map(e -> e.status().toString()).orElse("?")));
            case STOPPED -> slot.startPending() ? Optional.empty() : Optional.of(result(slot, false, "stopped before it was running"));
            default -> Optional.empty();
        };
    }

    private CompletableFuture<Result> stopOne(Target target, ActionTimeout timeout) {
        if (target.slot().isEmpty() && target.waiting().isPresent()) {
            // Not created yet: the mark makes it start stopped, as a process stopped by hand before a daemon restart.
            intent.markStopped(target.name(), target.waiting().get());
            return CompletableFuture.completedFuture(new Result(target.name(), target.waiting().get().name(), true,
                    ProcessState.STOPPED, "not started yet, and now it will not start: it stays stopped until started by hand", false));
        }
        if (target.slot().isEmpty()) {
            return CompletableFuture.completedFuture(missing(target));
        }
        ProcessSlot slot = target.slot().get();
        intent.markStopped(slot.name(), slot.spec());
        if (slot.state().isStoppedGroup() && !slot.restartPending()) {
            // FATAL or EXITED is down but not stopped: supervisorctl says "not running", and so does describe
            return CompletableFuture.completedFuture(result(slot, true, slot.state() == ProcessState.STOPPED
                    ? "already stopped" : "not running (" + slot.state() + ")"));
        }
        // Only a process that had a child exits by this stop; a retry (BACKOFF) or restart (EXITED) that waited is just
        // cancelled, and its last exit, from before, is not this stop's doing.
        String cancelled = slot.state() == ProcessState.BACKOFF ? "its retry cancelled"
                : slot.state() == ProcessState.EXITED ? "its restart cancelled" : null;
        slot.stop();
        return await(slot, timeout.forStop(slot.spec()), s -> s.state().isStoppedGroup()
                ? Optional.of(result(s, true, "stopped" + (cancelled != null ? " (" + cancelled + ")"
                        : s.lastExit().map(e -> " (" + e.status() + ")").orElse(""))))
                : Optional.empty());
    }

    private CompletableFuture<Result> await(ProcessSlot slot, Duration timeout, Function<ProcessSlot, Optional<Result>> outcome) {
        return await(slot, timeout, timeout, outcome);
    }

    /** @param asked the command's timeout, which the message names, when {@code timeout} is what is left of it */
    private CompletableFuture<Result> await(ProcessSlot slot, Duration timeout, Duration asked,
                                            Function<ProcessSlot, Optional<Result>> outcome) {
        Optional<Result> now = outcome.apply(slot);
        if (now.isPresent()) {
            return CompletableFuture.completedFuture(now.get());
        }
        CompletableFuture<Result> future = new CompletableFuture<>();
        Waiter[] self = new Waiter[1];
        OwnerLoop.Timer timer = loop.schedule(timeout, () -> {
            if (removeWaiter(self[0])) {
                future.complete(timedOut(slot, "timed out after " + seconds(asked) + " s; it is " + slot.state()
                        + ownTimeBeyond(slot, asked)));
            }
        });
        self[0] = new Waiter(slot, outcome, future, timer);
        waiters.computeIfAbsent(slot, s -> new ArrayList<>(1)).add(self[0]);
        return future;
    }

    /** Called by the owner after every transition. */
    void onStateChanged(ProcessSlot slot) {
        List<Waiter> forSlot = waiters.get(slot);
        if (forSlot == null) {
            return;
        }
        for (Waiter waiter : List.copyOf(forSlot)) {
            Optional<Result> outcome = waiter.outcome().apply(slot);
            if (outcome.isPresent()) {
                removeWaiter(waiter);
                waiter.timer().cancel();
                loop.execute(() -> waiter.future().complete(outcome.get()));
            }
        }
    }

    /** False when the wait had already ended (its outcome came, or its timeout). */
    private boolean removeWaiter(Waiter waiter) {
        List<Waiter> forSlot = waiters.get(waiter.slot());
        if (forSlot == null || !forSlot.remove(waiter)) {
            return false;
        }
        if (forSlot.isEmpty()) {
            waiters.remove(waiter.slot());
        }
        return true;
    }

    /** {@code 30}, {@code 0.5}, {@code 1.25}: as the operator gave it with --timeout, not cut to whole seconds. */
    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static Result result(ProcessSlot slot, boolean ok, String message) {
        return new Result(slot.name(), slot.spec().name(), ok, slot.state(), message, false);
    }

    /**
     * Where the process's own time for the state it is in (startSeconds to count as started, stopTimeoutSeconds before
     * SIGKILL) is no shorter than the command's timeout, which then could not be enough: the timeout that would be, as
     * supervisorctl's start waits out startsecs however long.
     */
    private static String ownTimeBeyond(ProcessSlot slot, Duration asked) {
        boolean starting = slot.state() == ProcessState.STARTING;
        if (!starting && slot.state() != ProcessState.STOPPING) {
            return "";
        }
        long own = starting ? slot.spec().startSeconds() : slot.spec().stopTimeoutSeconds();
        if (Duration.ofSeconds(own).compareTo(asked) < 0) {
            return "";
        }
        return " (its " + (starting ? "startSeconds" : "stopTimeoutSeconds") + " is " + own + ": give --timeout "
                + (own + 10) + " or more to wait for it)";
    }

    private static Result timedOut(ProcessSlot slot, String message) {
        return new Result(slot.name(), slot.spec().name(), false, slot.state(), message, true);
    }

    private static Result missing(Target target) {
        if (target.waiting().isPresent()) {
            String program = target.waiting().get().name();
            return new Result(target.name(), program, false, ProcessState.UNKNOWN, "not started yet: program " + program
                    + " starts it once the processes of the removed program of its name have stopped (`steward get processes`"
                    + " shows them stopping); act on it then", false);
        }
        return new Result(target.name(), "", false, ProcessState.UNKNOWN,
                "no such process; run `steward get processes` to list them", false);
    }

    private static CompletableFuture<List<Result>> all(List<CompletableFuture<Result>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> futures.stream().map(CompletableFuture::join).toList());
    }
}
