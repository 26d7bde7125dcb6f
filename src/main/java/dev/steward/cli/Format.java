package dev.steward.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small formatting helpers shared by the table and describe printers. */
final class Format {
    private Format() {
    }

    /** kubectl's HumanDuration: {@code 45s}, {@code 5m30s}, {@code 2h}, {@code 3d4h}, {@code 2y}. */
    static String age(Duration d) {
        long seconds = Math.max(0, d.getSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        long days = hours / 24;
        if (days < 365 * 8) {
            long d2 = days % 365;
            return d2 == 0 ? days / 365 + "y" : days / 365 + "y" + d2 + "d";
        }
        return days / 365 + "y";
    }

    /** The age of an ISO-8601 instant, or {@code fallback} when absent or unreadable. */
    static String since(String timestamp, Instant now, String fallback) {
        Instant t = instant(timestamp);
        return t == null ? fallback : age(Duration.between(t, now));
    }

    static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(timestamp).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** kubectl's RESTARTS column: {@code 0}, or {@code 5 (30s ago)} when the last exit time is known. */
    static String restarts(Object process, Instant now) {
        long restarts = Json.num(process, "restarts", 0);
        if (restarts == 0) {
            return "0";
        }
        Instant last = instant(Json.str(process, "lastExit.at"));
        return last == null ? String.valueOf(restarts) : restarts + " (" + age(Duration.between(last, now)) + " ago)";
    }

    /** {@code exit 1 (Error)}, {@code KILL (Killed)}, or {@code <none>}. */
    static String lastExit(Object process) {
        Object exit = Json.obj(process).get("lastExit");
        if (exit == null) {
            return "<none>";
        }
        String signal = Json.str(exit, "signal");
        String reason = Json.str(exit, "reason");
        String what = signal != null ? "SIG" + signal : "exit " + Json.str(exit, "exitCode");
        return reason == null ? what : what + " (" + reason + ")";
    }

    /** {@code k=v,k2=v2} or {@code <none>}. */
    static String labels(Object labels) {
        Map<String, Object> map = Json.obj(labels);
        if (map.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        map.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    static String orNone(String value) {
        return value == null || value.isEmpty() ? "<none>" : value;
    }

    /** A command list shown as a shell would read it back: words with spaces or quotes are single-quoted. */
    static String command(Object command) {
        if (command instanceof String s) {
            return s;
        }
        List<String> words = new ArrayList<>();
        for (Object word : Json.list(command)) {
            String w = String.valueOf(word);
            words.add(w.isEmpty() || !w.matches("[A-Za-z0-9_@%+=:,./-]+") ? "'" + w.replace("'", "'\\''") + "'" : w);
        }
        return String.join(" ", words);
    }
}
