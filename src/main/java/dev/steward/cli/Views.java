package dev.steward.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How programs, processes and events look to a person: kubectl tables, Supervisor's status, describe. */
final class Views {
    private static final List<String> WORST_FIRST = List.of("FATAL", "BACKOFF", "EXITED", "UNKNOWN", "STARTING", "STOPPING", "STOPPED", "RUNNING");
    /** The status of a program that waits for the processes of a removed program of its name to stop. */
    static final String WAITING = "WAITING";
    /** The status of a watched program or process that went away ({@link #removed}). */
    static final String REMOVED = "REMOVED";

    private Views() {
    }

    // ---- get programs ----

    static Table programsTable(boolean wide) {
        return wide ? new Table("NAME", "READY", "UP-TO-DATE", "STATUS", "RESTARTS", "AGE", "LABELS", "SOURCE", "COMMAND")
                : new Table("NAME", "READY", "UP-TO-DATE", "STATUS", "RESTARTS", "AGE");
    }

    static void programRow(Table table, Object program, Instant now, boolean wide) {
        List<Object> processes = Json.list(Json.obj(program).get("processes"));
        long replicas = Json.num(program, "replicas", processes.size());
        String status = Json.bool(program, "removed") ? REMOVED
                : waitingToStart(program, replicas, processes) ? WAITING : programStatus(processes);
        long running = 0;
        long restarts = 0;
        Instant lastRestart = null;
        Instant oldest = null;
        for (Object p : processes) { // a loop, not a stream: see Table.row
            if ("RUNNING".equals(Json.str(p, "state"))) {
                running++;
            }
            long restartsOfP = Json.num(p, "restarts", 0);
            restarts += restartsOfP;
            Instant exit = Format.instant(Json.str(p, "lastExit.at"));
            if (restartsOfP > 0 && exit != null && (lastRestart == null || exit.isAfter(lastRestart))) {
                lastRestart = exit;
            }
            Instant started = Format.instant(Json.str(p, "startedAt"));
            if (started != null && (oldest == null || started.isBefore(oldest))) {
                oldest = started;
            }
        }
        String restartCell = restarts == 0 || lastRestart == null ? String.valueOf(restarts)
                : restarts + " (" + Format.age(Duration.between(lastRestart, now)) + " ago)";
        String age = oldest == null ? "-" : Format.age(Duration.between(oldest, now));
        long ready = Json.num(program, "ready", running);
        String name = Json.str(program, "name");
        String updated = String.valueOf(updated(processes));
        if (wide) {
            table.row(name, ready + "/" + replicas, updated, status, restartCell, age,
                    Format.labels(Json.obj(program).get("labels")), Format.orNone(Json.str(program, "source")),
                    Format.command(Json.at(program, "spec.command")));
        } else {
            table.row(name, ready + "/" + replicas, updated, status, restartCell, age);
        }
    }

    /**
     * A watched program or process that went away (deleted, scaled down): its last object, marked {@code "removed": true},
     * a process's state {@code REMOVED} and its pid 0, a program's status shown as {@code REMOVED}.
     */
    static Object removed(boolean process, Object item) {
        Map<String, Object> copy = new LinkedHashMap<>(Json.obj(item));
        copy.put("removed", true);
        if (process) {
            copy.put("state", REMOVED);
            copy.put("pid", 0);
        }
        return copy;
    }

    /** As kubectl counts a deployment's up-to-date replicas: processes of the current spec, those of a scale-down left out. */
    private static int updated(List<Object> processes) {
        int updated = 0;
        for (Object p : processes) {
            if (!Json.bool(p, "outdated") && !Json.bool(p, "removed")) {
                updated++;
            }
        }
        return updated;
    }

    /** Whether a program has processes to start once the processes of a removed program of its name have stopped. */
    private static boolean waitingToStart(Object program, long replicas, List<Object> processes) {
        return Json.bool(program, "waiting") && replicas > 0 && processes.isEmpty();
    }

    /** The worst state among a program's processes ({@code FATAL} before {@code BACKOFF} ... before {@code RUNNING}). */
    static String programStatus(List<Object> processes) {
        if (processes.isEmpty()) {
            return "-";
        }
        String worst = null;
        int worstRank = Integer.MAX_VALUE;
        for (Object p : processes) {
            String state = Json.str(p, "state");
            int rank = WORST_FIRST.indexOf(state);
            if (rank < 0) {
                rank = WORST_FIRST.indexOf("UNKNOWN");
            }
            if (rank < worstRank) {
                worstRank = rank;
                worst = state;
            }
        }
        return worst;
    }

    // ---- get processes ----

    static Table processesTable(boolean wide) {
        return wide ? new Table("NAME", "READY", "STATUS", "RESTARTS", "AGE", "PID", "PROGRAM", "LAST EXIT")
                : new Table("NAME", "READY", "STATUS", "RESTARTS", "AGE");
    }

    static void processRow(Table table, Object p, Instant now, boolean wide) {
        String ready = "RUNNING".equals(Json.str(p, "state")) ? "1/1" : "0/1";
        String age = Format.since(Json.str(p, "startedAt"), now, "-");
        long pid = Json.num(p, "pid", 0);
        String status = Json.str(p, "state");
        String in = restartIn(p, now);
        if (in != null) {
            // kubectl shows a crash loop's wait (CrashLoopBackOff); a state with no sign of it reads as for good.
            status = status + ("BACKOFF".equals(status) ? " (retries in " : " (restarts in ") + in + ")";
        }
        if (wide) {
            table.row(Json.str(p, "name"), ready, status, Format.restarts(p, now), age,
                    pid > 0 ? String.valueOf(pid) : "-", Json.str(p, "program"), Format.lastExit(p));
        } else {
            table.row(Json.str(p, "name"), ready, status, Format.restarts(p, now), age);
        }
    }

    /**
     * How long until the automatic restart (EXITED) or retry (BACKOFF) waiting on its timer is due, as {@code 40s};
     * null when none waits. Rounded up: {@code 0s} only once it is due.
     */
    static String restartIn(Object p, Instant now) {
        Instant due = Format.instant(Json.str(p, "restartAt"));
        return due == null ? null : Format.age(Duration.between(now, due).plusMillis(999));
    }

    // ---- get events ----

    static Table eventsTable(boolean wide) {
        return wide ? new Table("LAST SEEN", "TYPE", "REASON", "OBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT")
                : new Table("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
    }

    static void eventRow(Table table, Object e, Instant now, boolean wide) {
        String message = oneLine(Json.str(e, "message"));
        if (wide) {
            table.row(Format.since(Json.str(e, "lastTimestamp"), now, "<unknown>"), Json.str(e, "type"), Json.str(e, "reason"),
                    Json.str(e, "object"), source(e), message, Format.since(Json.str(e, "firstTimestamp"), now, "<unknown>"),
                    String.valueOf(Json.num(e, "count", 1)));
        } else {
            table.row(eventAge(e, now), Json.str(e, "type"), Json.str(e, "reason"), Json.str(e, "object"), message);
        }
    }

    /** {@code 2m}, or {@code 2m (x5 over 10m)} for an event that repeated. */
    static String eventAge(Object e, Instant now) {
        String last = Format.since(Json.str(e, "lastTimestamp"), now, "<unknown>");
        long count = Json.num(e, "count", 1);
        if (count <= 1) {
            return last;
        }
        return last + " (x" + count + " over " + Format.since(Json.str(e, "firstTimestamp"), now, "<unknown>") + ")";
    }

    private static final java.util.Set<String> API_REASONS = java.util.Set.of("Applied", "Deleted", "Scaled");

    /** kubectl's From column: which part of Steward reported it. */
    static String source(Object e) {
        String explicit = Json.str(e, "source");
        if (explicit == null) {
            explicit = Json.str(e, "from");
        }
        if (explicit != null) {
            return explicit;
        }
        String reason = String.valueOf(Json.str(e, "reason"));
        if (API_REASONS.contains(reason)) {
            return "api"; // apply, delete, scale through the API (the CLI)
        }
        String object = String.valueOf(Json.str(e, "object"));
        if (object.startsWith("process/")) {
            return "supervisor";
        }
        if (object.startsWith("manifest/")) {
            return "watcher";
        }
        return "reconciler";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    // ---- status (supervisorctl) ----

    /** Supervisor's {@code status}: name padded to max(30, longest)+3, state padded to 10, description. */
    static String status(List<Object> processes) {
        int longest = 30;
        for (Object p : processes) {
            longest = Math.max(longest, String.valueOf(Json.str(p, "name")).length());
        }
        StringBuilder out = new StringBuilder();
        for (Object p : processes) {
            String line = pad(Json.str(p, "name"), longest + 3) + pad(Json.str(p, "state"), 10)
                    + (Json.str(p, "description") == null ? "" : oneLine(Json.str(p, "description")));
            out.append(line.stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        String v = s == null ? "" : s;
        return v.length() >= width ? v : v + " ".repeat(width - v.length());
    }

    // ---- describe ----

    static String describeProgram(Object program, List<Object> events, Instant now, ZoneId zone) {
        Describe d = new Describe();
        d.add(0, "Name", Json.str(program, "name"));
        labels(d, 0, Json.obj(program).get("labels"));
        d.add(0, "Source", Format.orNone(Json.str(program, "source")));
        if (Json.str(program, "manifestError") != null) {
            d.add(0, "Manifest Error", Json.str(program, "manifestError") + " (the last good version, below, stays in force)");
        }
        List<Object> processes = Json.list(Json.obj(program).get("processes"));
        d.add(0, "Replicas", Json.num(program, "replicas", processes.size()) + " desired | " + updated(processes) + " updated | "
                + Json.num(program, "ready", 0) + " ready | " + processes.size() + " total");
        Map<String, Object> spec = Json.obj(Json.obj(program).get("spec"));
        if (!spec.isEmpty()) {
            d.add(0, "Spec", "");
            spec(d, 1, spec);
        }
        if (waitingToStart(program, Json.num(program, "replicas", 0), processes)) {
            d.add(0, "Processes", "<none yet: it starts once the processes of the removed program of its name have stopped>");
        } else if (processes.isEmpty()) {
            d.add(0, "Processes", "<none>");
        } else {
            d.add(0, "Processes", "");
            for (Object p : processes) {
                d.add(1, Json.str(p, "name"), "");
                process(d, 2, p, now, zone);
            }
        }
        return d.render() + events(events, now, true);
    }

    static String describeProcess(Object process, List<Object> events, Instant now, ZoneId zone) {
        Describe d = new Describe();
        d.add(0, "Name", Json.str(process, "name"));
        d.add(0, "Program", Json.str(process, "program"));
        d.add(0, "Index", String.valueOf(Json.num(process, "index", 0)));
        labels(d, 0, Json.obj(process).get("labels"));
        Object command = Json.obj(process).get("command"); // as its latest start got it: each replica's expansions done
        d.add(0, "Command", command == null ? "<none>" : Format.shellLine(Json.list(command)));
        process(d, 0, process, now, zone);
        return d.render() + events(events, now, false);
    }

    private static void labels(Describe d, int level, Object labels) {
        Map<String, Object> map = Json.obj(labels);
        if (map.isEmpty()) {
            d.add(level, "Labels", "<none>");
            return;
        }
        boolean first = true;
        for (Map.Entry<String, Object> e : map.entrySet()) {
            d.add(level, first ? "Labels" : "", e.getKey() + "=" + e.getValue());
            first = false;
        }
    }

    private static void process(Describe d, int level, Object p, Instant now, ZoneId zone) {
        String state = Json.str(p, "state");
        d.add(level, "State", state);
        String started = Json.str(p, "startedAt");
        if (started != null) {
            d.add(level + 1, "Started", date(started, zone));
        }
        if (!"RUNNING".equals(state) && !"STARTING".equals(state) && !"STOPPING".equals(state) && Json.str(p, "stoppedAt") != null) {
            d.add(level + 1, "Stopped", date(Json.str(p, "stoppedAt"), zone));
        }
        String in = restartIn(p, now);
        if (in != null) {
            d.add(level + 1, "BACKOFF".equals(state) ? "Next Retry" : "Next Restart",
                    date(Json.str(p, "restartAt"), zone) + " (in " + in + ")");
        }
        long pid = Json.num(p, "pid", 0);
        if (pid > 0) {
            d.add(level + 1, "PID", String.valueOf(pid));
        }
        String description = Json.str(p, "description");
        if (description != null && !description.isEmpty()) { // supervisorctl says nothing for STARTING and STOPPING
            d.add(level, "Description", description);
        }
        Object exit = Json.obj(p).get("lastExit");
        if (exit == null) {
            d.add(level, "Last State", "<none>");
        } else {
            d.add(level, "Last State", "Terminated");
            d.add(level + 1, "Reason", Json.str(exit, "reason"));
            if (Json.str(exit, "signal") != null) {
                d.add(level + 1, "Signal", "SIG" + Json.str(exit, "signal"));
            } else {
                d.add(level + 1, "Exit Code", Json.str(exit, "exitCode"));
            }
            d.add(level + 1, "Expected", Json.bool(exit, "expected") ? "yes" : "no");
            if (Json.str(exit, "at") != null) {
                d.add(level + 1, "Finished", date(Json.str(exit, "at"), zone));
            }
        }
        d.add(level, "Restart Count", String.valueOf(Json.num(p, "restarts", 0)));
        d.add(level, "Stopped By Hand", Json.bool(p, "stoppedByHand") ? "yes" : "no");
        if (Json.bool(p, "outdated")) {
            d.add(level, "Outdated", "yes: it runs an earlier version of its manifest until the rolling restart gets to it");
        }
        if (Json.str(p, "spawnError") != null) {
            d.add(level, "Spawn Error", Json.str(p, "spawnError"));
        }
        d.add(level, "Stdout Log", Format.orNone(Json.str(p, "stdoutLog")));
        d.add(level, "Stderr Log", Format.orNone(Json.str(p, "stderrLog")));
        if (Json.str(p, "logError") != null) {
            d.add(level, "Log Error", Json.str(p, "logError"));
        }
    }

    /** Every spec field, labelled the way kubectl labels fields ({@code restartPolicy} is "Restart Policy"). */
    private static void spec(Describe d, int level, Map<String, Object> spec) {
        for (Map.Entry<String, Object> e : spec.entrySet()) {
            String label = label(e.getKey());
            Object v = e.getValue();
            if (e.getKey().equals("command")) {
                d.add(level, label, Format.command(v));
            } else if (v instanceof Map<?, ?> map) {
                Map<String, Object> m = Json.obj(map);
                if (m.isEmpty()) {
                    d.add(level, label, "<none>");
                } else if (e.getKey().equals("environment") || e.getKey().equals("labels")) {
                    boolean first = true;
                    for (Map.Entry<String, Object> kv : m.entrySet()) {
                        d.add(level, first ? label : "", kv.getKey() + "=" + kv.getValue());
                        first = false;
                    }
                } else {
                    d.add(level, label, "");
                    spec(d, level + 1, m);
                }
            } else if (v instanceof List<?> list) {
                List<String> items = new ArrayList<>();
                list.forEach(x -> items.add(String.valueOf(x)));
                d.add(level, label, items.isEmpty() ? "<none>" : String.join(", ", items));
            } else if (e.getKey().equals("maxBytes") && v instanceof Long bytes) {
                d.add(level, label, String.valueOf(CanonicalManifest.size(bytes)));
            } else {
                d.add(level, label, v == null ? "<none>" : String.valueOf(v));
            }
        }
    }

    /** {@code stopTimeoutSeconds} becomes {@code Stop Timeout Seconds}. */
    static String label(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (i == 0) {
                out.append(Character.toUpperCase(c));
            } else if (Character.isUpperCase(c) && !Character.isUpperCase(camel.charAt(i - 1))) {
                out.append(' ').append(c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String date(String iso, ZoneId zone) {
        Instant t = Format.instant(iso);
        return t == null ? iso : Format.describeDate(t.atZone(zone));
    }

    /**
     * kubectl's {@code Events:} block. For a program, which also shows its processes' events, the
     * message of a process's event starts with the process's name.
     */
    static String events(List<Object> events, Instant now, boolean nameProcesses) {
        if (events.isEmpty()) {
            return "Events:  <none>\n";
        }
        Table table = new Table("Type", "Reason", "Age", "From", "Message");
        table.row("----", "------", "----", "----", "-------");
        for (Object e : events) {
            String object = String.valueOf(Json.str(e, "object"));
            String message = oneLine(Json.str(e, "message"));
            if (nameProcesses && object.startsWith("process/")) {
                message = object.substring("process/".length()) + ": " + message;
            }
            table.row(Json.str(e, "type"), Json.str(e, "reason"), eventAge(e, now), source(e), message);
        }
        StringBuilder out = new StringBuilder("Events:\n");
        for (String line : table.render().split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }

    /**
     * The event objects of a program: {@code program/web}, each of its processes ({@code process/web-0}, ...) and its
     * manifest file ({@code manifest/web.yaml}).
     */
    static Set<String> eventObjectsOf(Object program) {
        Set<String> objects = new HashSet<>();
        objects.add("program/" + Json.str(program, "name"));
        String source = Json.str(program, "source");
        if (source != null) {
            // Its file's InvalidManifest and ManifestFixed: an edit that broke it keeps the last good version running.
            objects.add("manifest/" + source.substring(source.lastIndexOf('/') + 1));
        }
        for (Object p : Json.list(Json.obj(program).get("processes"))) {
            objects.add("process/" + Json.str(p, "name"));
        }
        return objects;
    }

    /** The events about these objects ({@code program/web}, {@code process/web-0}, ...), oldest first. */
    static List<Object> eventsAbout(List<Object> events, Set<String> objects) {
        List<Object> out = new ArrayList<>();
        for (Object e : events) {
            if (objects.contains(Json.str(e, "object"))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Lines {@code Label:  value}, values aligned per indentation level, two spaces per level. */
    static final class Describe {
        private record Line(int level, String label, String value) {
        }

        private final List<Line> lines = new ArrayList<>();

        void add(int level, String label, String value) {
            lines.add(new Line(level, label, value == null ? "<none>" : value));
        }

        String render() {
            int column = 0;
            for (Line l : lines) {
                if (!l.value.isEmpty()) {
                    column = Math.max(column, l.level * 2 + l.label.length() + 1);
                }
            }
            column += 2;
            StringBuilder out = new StringBuilder();
            for (Line l : lines) {
                StringBuilder line = new StringBuilder("  ".repeat(l.level));
                if (!l.label.isEmpty()) {
                    line.append(l.label).append(':');
                }
                if (!l.value.isEmpty()) {
                    int at = Math.max(line.length() + 1, column);
                    line.append(" ".repeat(at - line.length()));
                    // a value of several lines (a label, an environment value): the others under its first, as kubectl's
                    line.append(l.value.replace("\r\n", "\n").replace("\n", "\n" + " ".repeat(at)));
                }
                out.append(line).append('\n');
            }
            return out.toString();
        }
    }
}
