package dev.steward.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.control.ProcessInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process as the API shows it (docs/api.md, "Process").
 *
 * @param pid           null when no child is running
 * @param uptimeSeconds null when no child is running
 * @param restartAt     when an automatic restart (EXITED) or retry (BACKOFF) waiting on its timer is due; null when none waits
 * @param removed       stopping to go: beyond the replicas of a scale down, or its program removed
 * @param description   Supervisor's status column, see {@link ProcessDescriptions}
 * @param command       the command its latest start was given (whether or not it succeeded), supervisord's
 *                      expansions done; null until a start got that far
 * @param usage         what its process group uses now, only when asked for ({@code usage=true}) and it is running
 */
public record ProcessDto(String name, String program, int index, String state, int stateCode, Integer pid,
                         Instant startedAt, Instant stoppedAt, Instant restartAt, Long uptimeSeconds, int restarts, LastExitDto lastExit,
                         String spawnError, boolean stoppedByHand, boolean removed, boolean outdated, boolean startsAgain, String description, String stdoutLog,
                         String stderrLog, String logError, Map<String, String> labels, List<String> command,
                         @JsonInclude(JsonInclude.Include.NON_NULL) UsageDto usage) {

    /**
     * What a running process and the rest of its process group use, from {@code /proc}.
     *
     * @param cpuSeconds  user plus system CPU so far, of the members and the children they have waited for
     * @param memoryBytes resident memory of the members, summed
     * @param processes   live members of the group, the process itself included
     * @param sampledAt   when these were read: a rate is the difference of two readings over that of their times
     */
    public record UsageDto(double cpuSeconds, long memoryBytes, int processes, Instant sampledAt) {
    }

    /** How the last run ended; {@code signal} is a name such as {@code KILL}, and then {@code exitCode} is null. */
    public record LastExitDto(Integer exitCode, String signal, boolean expected, String reason, Instant at) {
    }

    static ProcessDto of(ProcessInfo info, Instant now, ZoneId zone) {
        Integer pid = info.pid() > 0 ? info.pid() : null;
        Long uptime = pid == null ? null : info.startedAt()
                .map(started -> Math.max(0, Duration.between(started, now).toSeconds())).orElse(null);
        LastExitDto lastExit = info.lastExit().map(exit -> new LastExitDto(exit.exitCode().orElse(null),
                exit.signal().orElse(null), exit.expected(), exit.reason(), exit.at())).orElse(null);
        return new ProcessDto(info.name(), info.program(), info.index(), info.state(), info.stateCode(), pid,
                info.startedAt().orElse(null), info.stoppedAt().orElse(null), info.restartAt().orElse(null), uptime, info.restarts(), lastExit,
                info.spawnError().orElse(null), info.stoppedByHand(),
                info.removal() != ProcessInfo.Removal.NONE, info.outdated(), info.startsAgain(), ProcessDescriptions.describe(info, now, zone),
                info.stdoutLog().orElse(null), info.stderrLog().orElse(null), info.logError().orElse(null),
                new TreeMap<>(info.labels()), info.command().orElse(null), null);
    }

    ProcessDto withUsage(UsageDto usage) {
        return new ProcessDto(name, program, index, state, stateCode, pid, startedAt, stoppedAt, restartAt, uptimeSeconds, restarts,
                lastExit, spawnError, stoppedByHand, removed, outdated, startsAgain, description, stdoutLog, stderrLog,
                logError, labels, command, usage);
    }
}
