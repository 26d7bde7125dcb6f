package dev.steward.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A process as the API shows it.
 *
 * @param state           Supervisor state name (RUNNING, ...)
 * @param stateCode       Supervisor state code (20, ...)
 * @param pid             the running process's pid; 0 when none, also while STOPPING once it has exited and the rest
 *                        of its process group ({@code killAsGroup}) is waited for
 * @param startedAt       when the current or last run started
 * @param stoppedAt       when the last run ended
 * @param restartAt       when its automatic restart (EXITED) or retry (BACKOFF), waiting on a timer, is due
 * @param restarts        automatic restarts so far
 * @param lastExit        how the last run ended
 * @param spawnError      why the last spawn failed, or why it backs off
 * @param stoppedByHand   stopped by an operator: stays stopped across reconciles and daemon restarts
 * @param removal         whether it is stopping to go: beyond the replicas of a scale down, or its program removed
 *                        (REPLACED: and added again, starting once this has stopped)
 * @param startsAgain     it starts again once stopped: a restart, or wanted again while it stopped
 * @param outdated        it runs with launch settings older than its program's spec: a rolling restart replaces it
 * @param stdoutLog       log file path, empty for NONE
 * @param stderrLog       log file path, empty for NONE or redirected
 * @param logError        why a log file cannot be written right now (the output still reaches the in-memory tail)
 * @param command         the command its latest start was given (whether or not it succeeded), supervisord's
 *                        expansions done; empty until a start got that far
 */
public record ProcessInfo(String name, String program, int index, String state, int stateCode, int pid,
                          Optional<Instant> startedAt, Optional<Instant> stoppedAt, Optional<Instant> restartAt, int restarts,
                          Optional<LastExit> lastExit, Optional<String> spawnError, boolean stoppedByHand,
                          Removal removal, boolean startsAgain, boolean outdated, Optional<String> stdoutLog, Optional<String> stderrLog, Optional<String> logError,
                          Map<String, String> labels, Optional<List<String>> command) {

    public enum Removal { NONE, SCALED_DOWN, REMOVED, REPLACED }

    /**
     * @param exitCode exit code, or empty when killed by a signal
     * @param signal   signal name such as {@code KILL}, or empty when it exited
     * @param reason   {@code Completed} (expected exit), {@code Error} (unexpected), {@code Killed} (signal)
     */
    public record LastExit(Optional<Integer> exitCode, Optional<String> signal, boolean expected, String reason, Instant at) {
    }
}
