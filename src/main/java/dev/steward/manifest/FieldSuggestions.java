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

    private FieldSuggestions() {
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
