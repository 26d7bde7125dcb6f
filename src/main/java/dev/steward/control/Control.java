package dev.steward.control;

import dev.steward.events.Event;
import dev.steward.events.EventRecord;
import dev.steward.logs.RingBuffer;
import dev.steward.manifest.ManifestError;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Everything the API, CLI, health and metrics may ask of the daemon. Reads return immutable
 * snapshots; actions are posted to the supervision owner and complete when done or timed out.
 * Thread-safe.
 */
public interface Control {

    /** Every program with its processes, sorted by name. */
    List<ProgramView> programs();

    Optional<ProgramView> program(String name);

    /** Every process, sorted by name. */
    List<ProcessInfo> processes();

    Optional<ProcessInfo> process(String name);

    /** Errors of the manifest files currently rejected (their last good programs stay in force). */
    List<ManifestError> manifestErrors();

    /**
     * Resolves a target to process names: a process name, a program name (all its processes),
     * {@code all}, or, when {@code selector} is given, the processes of the programs whose labels
     * match. A selector that matches nothing gives an empty list.
     *
     * @throws IllegalArgumentException for a malformed selector (message says the syntax)
     * @throws java.util.NoSuchElementException for a target that names no program or process
     */
    List<String> resolve(List<String> targets, Optional<String> selector);

    /**
     * Starts the processes (clearing "stopped by hand"); waits for RUNNING or failure.
     *
     * @param timeout how long to wait; empty for as long as the processes' own startSeconds need (at least 30 s)
     */
    CompletableFuture<List<ActionResult>> start(List<String> processes, Optional<Duration> timeout);

    /**
     * Stops the processes and remembers they were stopped by hand; waits for a stopped state.
     *
     * @param timeout how long to wait; empty for as long as the processes' own stopTimeoutSeconds need (at least 30 s)
     */
    CompletableFuture<List<ActionResult>> stop(List<String> processes, Optional<Duration> timeout);

    /**
     * Restarts the processes one at a time: the next once the previous is RUNNING again.
     *
     * @param timeout for the whole command; empty for as long as the processes' own stops and starts need (at least 30 s)
     */
    CompletableFuture<List<ActionResult>> restart(List<String> processes, Optional<Duration> timeout);

    /** Sends a signal (number) to each process. */
    CompletableFuture<List<ActionResult>> signal(List<String> processes, int signal);

    /** The event history, oldest first, repeats aggregated. */
    List<EventRecord> events();

    /** Calls {@code listener} for every new or updated event record until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<EventRecord> listener);

    /** How many records the event history keeps now ({@link dev.steward.events.EventHistory#capacity()}). */
    default int eventsKept() {
        return dev.steward.events.EventHistory.MIN_CAPACITY;
    }

    /** The in-memory tail (last 64 KiB at most) of a process's stdout or stderr, with positions for follow. */
    Optional<LogTail> logs(String process, boolean stderr);

    /**
     * The process whose stdout (or stderr) writes into {@code ring} now: a follower's process under its new name after a
     * scale renamed it ({@code web} to {@code web-0} when 1 replica becomes 2, and back), empty once no process does.
     */
    Optional<String> processWriting(RingBuffer ring, boolean stderr);

    /**
     * Records operator actions in the event history (apply, delete, scale done through the API), in order with
     * the supervisor's own events; they are in the history when this returns, unless the supervisor was busy
     * for seconds, in which case they follow when it gets to them.
     */
    void recordOperatorActions(List<Event.OperatorAction> actions);

    /**
     * Reads the manifest directory now, as the watcher would a moment later, and returns once what that changed is
     * in force and visible to readers: for a reader that must see a file written just before (steward apply, then
     * steward rollout status).
     */
    void reread();

    /** Completes with true once the supervision owner has answered, or with false after a second (liveness). */
    CompletionStage<Boolean> ownerResponsive();

    /** True once the manifest directory has been read at least once. */
    boolean manifestsLoaded();

    /**
     * Why the manifest directory cannot be read now, as the daemon's log said it: gone (its programs have stopped), or
     * not listable (its programs go on as they were); empty while it can be read.
     */
    Optional<String> manifestDirectoryProblem();

    /** True once the daemon has begun to stop every program and exit: it reads no manifest any more. */
    boolean shuttingDown();

    /**
     * True once a shutdown has stopped every process and the history has every event of it: nothing more happens
     * before the daemon exits, so streams (logs -f, the event stream) end then, as kubectl's end with their container,
     * instead of being cut.
     */
    boolean shutDown();
}
