package dev.steward.manifest;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Finds the known field an unknown one was probably meant to be, for "did you mean" hints. */
final class FieldSuggestions {

    /**
     * Supervisor's option names (normalized as by {@link #normalize}) that are too far from ours by spelling,
     * so that people moving a {@code [program:x]} section over are pointed at the right field.
     */
    private static final Map<String, String> SUPERVISOR_NAMES = Map.of(
            "autorestart", "restartPolicy",
            "startsecs", "startSeconds",
            "stopwaitsecs", "stopTimeoutSeconds",
            "numprocs", "replicas",
            "env", "environment",
            "cwd", "directory",
            "workingdir", "directory",
            "args", "command",
            "cmd", "command");

    private static final String NO_EVENT_LISTENERS = "has no equivalent: Steward has no event listeners to send output"
            + " to; remove it (steward logs -f NAME follows a process's output, steward get events -w what happens)";
    private static final String NO_SYSLOG = "has no equivalent: remove it; under systemd, logs: {stdout: {file: /dev/stdout}}"
            + " sends the output to the daemon's own stdout, the journal";

    /**
     * What to write instead of Supervisor's {@code [program:x]} options (normalized) that have no field of their name
     * here: the field they became under {@code logs}, or why there is none and what to do.
     */
    private static final Map<String, String> SUPERVISOR_OPTIONS = Map.ofEntries(
            Map.entry("stdoutlogfile", "is spec.logs.stdout.file here (logs: {stdout: {file: /var/log/app.log}};"
                    + " AUTO and NONE as in supervisord)"),
            Map.entry("stdoutlogfilemaxbytes", "is spec.logs.stdout.maxBytes here (logs: {stdout: {maxBytes: 50MB}})"),
            Map.entry("stdoutlogfilebackups", "is spec.logs.stdout.backups here (logs: {stdout: {backups: 10}})"),
            Map.entry("stderrlogfile", "is spec.logs.stderr.file here (logs: {stderr: {file: /var/log/app.err}};"
                    + " AUTO and NONE as in supervisord)"),
            Map.entry("stderrlogfilemaxbytes", "is spec.logs.stderr.maxBytes here (logs: {stderr: {maxBytes: 50MB}})"),
            Map.entry("stderrlogfilebackups", "is spec.logs.stderr.backups here (logs: {stderr: {backups: 10}})"),
            Map.entry("redirectstderr", "is spec.logs.redirectStderr here (logs: {redirectStderr: true})"),
            Map.entry("processname", "has no equivalent: processes are named after the program, web with one replica"
                    + " and web-0, web-1 ... with more; remove it (%(process_num)d in the command, environment and log"
                    + " paths tells the replicas apart)"),
            Map.entry("numprocsstart", "has no equivalent: replicas are numbered from 0, and so is %(process_num)d;"
                    + " remove it, and through a shell $((8001 + STEWARD_PROCESS_INDEX)) keeps numbers that began at 1"),
            Map.entry("stdoutcapturemaxbytes", NO_EVENT_LISTENERS),
            Map.entry("stderrcapturemaxbytes", NO_EVENT_LISTENERS),
            Map.entry("stdouteventsenabled", NO_EVENT_LISTENERS),
            Map.entry("stderreventsenabled", NO_EVENT_LISTENERS),
            Map.entry("stdoutsyslog", NO_SYSLOG),
            Map.entry("stderrsyslog", NO_SYSLOG),
            Map.entry("serverurl", "has no equivalent: there is no XML-RPC interface for children to reach; remove it"
                    + " (the steward CLI finds the daemon through STEWARD_SERVER)"),
            Map.entry("programs", "(of a [group:x] section) has no equivalent: remove it, give the group's programs one"
                    + " label (metadata.labels: {group: x}) and name them all with -l group=x (steward restart -l group=x)"));

    private FieldSuggestions() {
    }

    /**
     * What to write instead of {@code unknown} when it is one of Supervisor's options that has no field of its name
     * here, as a message that goes on from {@code unknown field "stdout_logfile"; }.
     */
    static Optional<String> supervisorOption(String unknown) {
        return Optional.ofNullable(SUPERVISOR_OPTIONS.get(normalize(unknown)))
                .map(advice -> "supervisord's " + unknown + " " + advice);
    }

    /** The field in {@code known} closest to {@code unknown}, when close enough to be a likely typo. */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String wanted = normalize(unknown);
        String alias = SUPERVISOR_NAMES.get(wanted);
        if (alias != null && known.contains(alias)) {
            return Optional.of(alias);
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(wanted, normalize(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // About one edit per three letters: "replica" finds "replicas", "name" does not find "kind".
        int allowed = Math.max(1, Math.min(3, wanted.length() / 3));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Case, underscores and dashes are ignored: {@code start_retries} and {@code StartRetries} are near misses. */
    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
