package dev.steward.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small formatting helpers shared by the table and describe printers. */
final class Format {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

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
        Instant utc = utcInstant(timestamp);
        if (utc != null) {
            return utc;
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

    /**
     * The daemon's own timestamps ({@code Instant.toString()}: {@code 2026-12-06T03:12:00.123456Z}) read
     * by hand; anything else is null and goes to {@code Instant.parse}. That initializes DateTimeFormatter,
     * which builds every predefined formatter: a few milliseconds of a {@code get processes} call.
     */
    static Instant utcInstant(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = s.charAt(19) == '.' ? digits(s, 20, n - 1) : -1; // 1 to 9 digits
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null; // a 13th month, a 30th of February: Instant.parse says no as well
        }
    }

    /**
     * kubectl describe's dates, {@code Sun, 22 Nov 2026 04:00:00 +0000} (DateTimeFormatter's
     * {@code EEE, dd MMM yyyy HH:mm:ss Z} in English), written by hand: DateTimeFormatter's day and
     * month names come from the locale providers, which it looks up through the class path, a sixth of
     * a {@code describe} call.
     */
    static String describeDate(ZonedDateTime t) {
        int offsetSeconds = t.getOffset().getTotalSeconds();
        if (t.getYear() < 1000 || t.getYear() > 9999 || offsetSeconds % 60 != 0) { // not from the daemon: the general way
            return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT).format(t);
        }
        StringBuilder out = new StringBuilder(31);
        out.append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        twoDigits(out, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        out.append(t.getYear()).append(' ');
        twoDigits(out, t.getHour()).append(':');
        twoDigits(out, t.getMinute()).append(':');
        twoDigits(out, t.getSecond()).append(' ');
        int offsetMinutes = offsetSeconds / 60;
        out.append(offsetMinutes < 0 ? '-' : '+');
        twoDigits(out, Math.abs(offsetMinutes) / 60);
        return twoDigits(out, Math.abs(offsetMinutes) % 60).toString();
    }

    private static StringBuilder twoDigits(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** The decimal number in s[from, to), or -1 unless it is 1 to 9 digits. */
    private static int digits(String s, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
        for (Map.Entry<String, Object> e : map.entrySet()) { // a loop, not a lambda: see Table.row
            parts.add(oneLine(e.getKey() + "=" + e.getValue()));
        }
        return String.join(",", parts);
    }

    static String orNone(String value) {
        return value == null || value.isEmpty() ? "<none>" : value;
    }

    /**
     * A spec's command list shown as a manifest's command line would read it back: words with spaces or quotes are
     * single-quoted, and where a word holds supervisord's {@code %(}, the others' {@code %} are written {@code %%}.
     */
    static String command(Object command) {
        if (command instanceof String s) {
            return s;
        }
        List<Object> argv = Json.list(command);
        boolean template = false; // a line with %( is one template, where every other % is written %%
        for (Object word : argv) {
            template |= String.valueOf(word).contains("%(");
        }
        List<String> words = new ArrayList<>();
        for (Object word : argv) {
            String w = String.valueOf(word);
            words.add(template && !w.contains("%(") ? w.replace("%", "%%") : w);
        }
        return shellLine(words);
    }

    /**
     * Arguments as a shell would read them back, each as it is: words with spaces or quotes are single-quoted, and words
     * with a newline, a tab or another control character (a script in a YAML block, {@code - |}) are written as bash's
     * {@code $'...'} with escapes, so that the line stays one line in a table or under describe.
     */
    static String shellLine(List<?> argv) {
        List<String> words = new ArrayList<>();
        for (Object word : argv) {
            String w = String.valueOf(word);
            words.add(hasControl(w) ? ansiC(w)
                    : w.isEmpty() || !w.matches("[A-Za-z0-9_@%+=:,./-]+") ? "'" + w.replace("'", "'\\''") + "'" : w);
        }
        return String.join(" ", words);
    }

    static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** C0 and C1 controls and DEL: a terminal acts on them (U+009B is CSI) instead of showing them. */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** {@code $'line one\nline two'}: bash's ANSI-C quoting, its own backslashes and quotes escaped first. */
    private static String ansiC(String w) {
        return "$'" + oneLine(w.replace("\\", "\\\\").replace("'", "\\'")) + "'";
    }

    /** A table cell or label value on one line: {@code \n}, {@code \t}, {@code \r}, other control characters as {@code \xHH}. */
    static String oneLine(String s) {
        if (s == null || !hasControl(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(!isControl(c) ? String.valueOf(c) : escape(c));
        }
        return out.toString();
    }

    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\t':
                return "\\t";
            case '\r':
                return "\\r";
            default: // C1 as u00HH, not xHH: in bash's $'...' an x escape is one byte, and U+0080-U+009F take two in UTF-8
                return (c < 0x80 ? "\\x" : "\\u00") + Character.forDigit(c >> 4, 16) + Character.forDigit(c & 0xf, 16);
        }
    }
}
