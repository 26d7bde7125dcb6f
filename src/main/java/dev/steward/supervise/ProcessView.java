package dev.steward.supervise;

import dev.steward.logs.LogSink;
import dev.steward.manifest.ProgramSpec;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one process looks like right now; immutable, published by the owner for readers. The log
 * sinks are thread-safe to read (tail and follow).
 *
 * @param restartAt   when its automatic restart (EXITED) or retry (BACKOFF), waiting on a timer, is due
 * @param removal     whether it is stopping to go: beyond the replicas of a scale down, or its program removed (and
 *                    perhaps added again, waiting for it to stop)
 * @param startsAgain whether it starts again once stopped (a restart, or wanted again while it stopped)
 * @param outdated    whether it runs with launch settings older than its spec (a rolling restart replaces it)
 * @param logPaths    the files its streams go to, even before its first start
 * @param command     the command its latest start was given, expansions done; empty until a start got that far
 */
public record ProcessView(String name, String program, int index, ProcessState state, int pid,
                          Optional<Instant> startedAt, Optional<Instant> stoppedAt, Optional<Instant> restartAt, int restarts,
                          Optional<ProcessSlot.LastExit> lastExit, Optional<String> spawnError,
                          boolean stoppedByHand, Removal removal, boolean startsAgain, boolean outdated, ProgramSpec spec,
                          Optional<LogSink> stdout, Optional<LogSink> stderr, ProcessLauncher.LogPaths logPaths,
                          Optional<List<String>> command) {

    public enum Removal { NONE, SCALED_DOWN, REMOVED, REPLACED }

    static ProcessView of(ProcessSlot slot, boolean stoppedByHand, Removal removal,
                          Optional<ProcessLauncher.SlotLogs> logs, ProcessLauncher.LogPaths logPaths,
                          Optional<List<String>> command) {
        return new ProcessView(slot.name(), slot.spec().name(), slot.index(), slot.state(), slot.pid(),
                slot.startedAt(), slot.stoppedAt(), slot.restartAt(), slot.restarts(), slot.lastExit(), slot.spawnError(),
                stoppedByHand, removal, slot.startPending(), slot.outdated(), slot.spec(), logs.map(ProcessLauncher.SlotLogs::stdout),
                logs.flatMap(ProcessLauncher.SlotLogs::stderr), logPaths, command);
    }
}
