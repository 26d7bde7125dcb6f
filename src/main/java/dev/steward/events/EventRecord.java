package dev.steward.events;

import dev.steward.supervise.ProcessState;
import dev.steward.supervise.StateChange;

import java.time.Instant;
import java.util.List;

/**
 * One line of the event history, as kubectl shows events: repeats of the same thing on the same
 * object are aggregated into one record with a count.
 *
 * @param type    Normal or Warning
 * @param reason  short CamelCase cause: Started, Running, BackOff, Fatal, Exited, RestartChanged, Renamed, Killing, Stopped,
 *                Added, Changed, Removed, InvalidManifest, ManifestFixed, ManifestRemoved, LeftoverStopped, LeftoverStuck, OperatorStop, ...
 * @param object  {@code process/web-0}, {@code program/web} or {@code manifest/web.yaml}
 * @param message the latest message
 * @param count   how many times it happened
 * @param id      increasing sequence number of the latest occurrence (for streams)
 */
public record EventRecord(long id, String type, String reason, String object, String message, int count,
                          Instant firstTimestamp, Instant lastTimestamp) {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    /** What a Warning about a stop that needed SIGKILL tells the operator to do. */
    private static final String KILLING_HINT = "; make it exit on its stopSignal, or give it more stopTimeoutSeconds";
    /**
     * As {@link #KILLING_HINT}, when the process itself exited and the rest of its group is killed: without stopAsGroup
     * they never got the stop signal.
     */
    private static final String GROUP_KILLING_HINT = "; have the rest of its process group exit on the stop signal"
            + " (stopAsGroup: true sends it to them all), or give them more stopTimeoutSeconds";
    /** What a Warning about an unexpected exit code adds after {@link #outputHint}. */
    private static final String EXIT_CODES_HINT = "; if that code means success, add it to spec.exitCodes";

    /**
     * Whether {@code event} is a Warning in the history: the daemon's log gives it a {@code WARN} line, as supervisord
     * logs an unexpected exit and a SIGKILL after {@code stopwaitsecs}.
     */
    public static boolean warning(Event event) {
        if (event instanceof Event.OperatorAction) {
            return false; // a request is Normal, on each of its objects: not one Kind per process of a `stop all`
        }
        Kind kind = Kind.one(event);
        return kind != null && kind.type().equals(WARNING);
    }

    /**
     * Where to look for why a process exited: each Warning says what to do, as a log line would not. Not at --stderr when
     * stderr goes into stdout: there is no stderr log then, and that command is refused.
     */
    private static String outputHint(StateChange c) {
        return "; its output may say why: steward logs " + c.process()
                + (c.stderrApart() ? " --stderr (and without --stderr)" : " (its stderr goes there too)");
    }

    /** How a domain event reads in the history. */
    record Kind(String type, String reason, String object, String message) {
        /** The records an event makes: one, or one on each object an operator's request named. */
        static List<Kind> of(Event event) {
            if (event instanceof Event.OperatorAction action) {
                return action.objects().stream().map(object -> new Kind(NORMAL, action.reason(), object, action.message())).toList();
            }
            Kind kind = one(event);
            return kind == null ? List.of() : List.of(kind);
        }

        private static Kind one(Event event) {
            if (event instanceof Event.ProcessStateChanged changed) {
                StateChange c = changed.change();
                String object = "process/" + c.process();
                if (c.from() == c.to()) {
                    // STOPPING: SIGKILL after the stop timeout, or the child gone and the rest of its group waited for;
                    // EXITED: a pending restart its changed spec cancelled or brought forward; any state: renamed by a scale.
                    return c.renamed() ? new Kind(NORMAL, "Renamed", object, c.detail())
                            : c.to() == ProcessState.EXITED ? new Kind(NORMAL, "RestartChanged", object, c.detail())
                            : c.waitingForGroup() ? new Kind(NORMAL, "Stopping", object, c.detail())
                            : new Kind(WARNING, "Killing", object, c.detail()
                                    + (c.killedRestOfGroup() ? GROUP_KILLING_HINT : KILLING_HINT));
                }
                return switch (c.to()) {
                    case STARTING -> new Kind(NORMAL, "Starting", object, c.detail().isEmpty() ? "starting" : "started, " + c.detail());
                    case RUNNING -> new Kind(NORMAL, "Running", object, "running, " + c.detail());
                    // a spawn error says what to do itself; an exit before startSeconds does not say why
                    case BACKOFF -> new Kind(WARNING, "BackOff", object, c.spawnFailed() ? c.detail()
                            : c.detail() + outputHint(c));
                    case FATAL -> new Kind(WARNING, "Fatal", object, c.detail());
                    // "exit status 0; expected", maybe followed by "; restarts in 900 ms (...)"; a crash loop that
                    // waits out restartBackoff is kubectl's BackOff ("Back-off restarting failed container")
                    case EXITED -> c.backingOff() ? new Kind(WARNING, "BackOff", object, "back-off restarting "
                            + (c.detail().contains("; expected") ? "exited" : "failed") + " process: " + c.detail()
                            + outputHint(c))
                            : c.detail().contains("; expected") ? new Kind(NORMAL, "Exited", object, c.detail())
                            : new Kind(WARNING, "Exited", object, c.detail() + outputHint(c)
                                    + (c.exitedWithCode() ? EXIT_CODES_HINT : ""));
                    case STOPPING -> new Kind(NORMAL, "Stopping", object, c.detail());
                    case STOPPED -> new Kind(c.leftGroupMembers() ? WARNING : NORMAL, "Stopped", object,
                            c.detail().isEmpty() ? "stopped" : c.detail());
                    case UNKNOWN -> new Kind(WARNING, "Unknown", object, c.detail());
                };
            }
            if (event instanceof Event.ProgramAdded added) {
                return new Kind(NORMAL, "Added", "program/" + added.program(), added.detail());
            }
            if (event instanceof Event.ProgramChanged changed) {
                return new Kind(NORMAL, "Changed", "program/" + changed.program(), changed.effect());
            }
            if (event instanceof Event.ProgramRemoved removed) {
                return new Kind(NORMAL, "Removed", "program/" + removed.program(), "manifest removed: stopping its processes");
            }
            if (event instanceof Event.ManifestInvalid invalid) {
                return new Kind(WARNING, "InvalidManifest", "manifest/" + invalid.error().file().getFileName(), invalid.detail());
            }
            if (event instanceof Event.LeftoverProcess leftover) {
                return new Kind(WARNING, leftover.stopped() ? "LeftoverStopped" : "LeftoverStuck", "process/" + leftover.process(),
                        leftover.detail());
            }
            if (event instanceof Event.ManifestRecovered recovered) {
                return new Kind(NORMAL, recovered.removed() ? "ManifestRemoved" : "ManifestFixed",
                        "manifest/" + recovered.file().getFileName(), recovered.removed() ? "removed, and its errors with it"
                                : "no errors any more");
            }
            return null;
        }
    }
}
