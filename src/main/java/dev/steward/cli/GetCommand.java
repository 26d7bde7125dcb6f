package dev.steward.cli;

import dev.steward.control.SupervisorNames;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code steward get programs|processes|events [NAME...] [-l selector] [-o wide|json|yaml|name] [-w]}. */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List programs, processes or events.",
                "A table by default; JSON or YAML (an items list) for scripts."},
        footer = {"", "Kinds: programs (program, prog), processes (process, proc, ps), events (event, ev).",
                "", "Examples:", "  steward get programs", "  steward get processes -l tier=frontend -o wide",
                "  steward get process web-0 -o json", "  steward get events -w"})
final class GetCommand extends StewardCli.Verb {
    @Parameters(index = "0", paramLabel = "KIND", description = "programs, processes or events (or KIND/NAME).")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME",
            description = "Only these (for processes, a program's name stands for its processes).")
    List<String> names = new ArrayList<>();

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector: k=v, k!=v, k, !k, comma-separated.")
    String selector;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json, yaml or name (default: a table).")
    String output;

    @Option(names = {"-w", "--watch"}, description = "After listing, keep printing changes until interrupted.")
    boolean watch;

    @Option(names = "--no-headers", description = "Leave out the header line of a table (for scripts, as kubectl's).")
    boolean noHeaders;

    enum Kind {
        PROGRAMS("program", "/programs"), PROCESSES("process", "/processes"), EVENTS("event", "/events");

        final String singular;
        final String path;

        Kind(String singular, String path) {
            this.singular = singular;
            this.path = path;
        }
    }

    static Kind kind(String word) {
        Optional<Kind> kind = kindOf(word); // no lambda on the client's common path: each costs start-up time
        if (kind.isEmpty()) {
            throw new CliException(StewardCli.EXIT_USAGE, "unknown kind \"" + word + "\"; use programs, processes or events");
        }
        return kind.get();
    }

    /** The kind {@code word} names, if any: {@code programs}, {@code prog}, {@code ps}, ... */
    static Optional<Kind> kindOf(String word) {
        switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "programs": case "program": case "prog": case "progs":
                return Optional.of(Kind.PROGRAMS);
            case "processes": case "process": case "proc": case "procs": case "ps":
                return Optional.of(Kind.PROCESSES);
            case "events": case "event": case "ev":
                return Optional.of(Kind.EVENTS);
            default:
                return Optional.empty();
        }
    }

    static String checkOutput(String output) {
        if (output == null) {
            return "table";
        }
        switch (output) {
            case "wide": case "json": case "yaml": case "name":
                return output;
            default:
                throw new CliException(StewardCli.EXIT_USAGE, "unknown output format \"" + output + "\"; use wide, json, yaml or name");
        }
    }

    @Override
    public Integer call() throws Exception {
        Target target = Target.of(kind, names.isEmpty() ? null : names.get(0));
        Kind k = target.kind();
        if (target.name() != null && names.isEmpty()) {
            names = List.of(target.name()); // KIND/NAME
        }
        String format = checkOutput(output);
        String sel = selector(selector, names.isEmpty() ? null : names.get(0));
        if (k == Kind.EVENTS && sel != null) {
            throw usage("events have no labels; name an object instead: steward get events web-0");
        }
        boolean oneEvent = k == Kind.EVENTS && kind.contains("/") && isEventId(target.name()); // event/ID
        if (watch && oneEvent) {
            throw usage("one event is not watched (it gets a new id when it happens again); watch its object's events:"
                    + " steward get events NAME -w");
        }
        Printer printer = new Printer(k, format, watch);
        // Watching: subscribe before listing, so nothing that happens in between is missed.
        try (EventStream stream = watch ? EventStream.open(api()) : null) {
            if (oneEvent) {
                return oneEvent(printer, Long.parseLong(target.name()));
            }
            if (k == Kind.EVENTS) {
                List<EventSubject> subjects = names.isEmpty() ? null : eventSubjects(names);
                Set<String> objects = subjects == null ? null : objectsOf(subjects);
                List<Object> events = Json.list(Json.obj(api().get("/events")).get("items"));
                if (objects != null) {
                    events = Views.eventsAbout(events, objects);
                }
                List<String> unknown = subjects == null ? List.of() : unknownSubjects(subjects, events);
                if (!events.isEmpty() || unknown.isEmpty()) {
                    printer.list(events, true, unknown.isEmpty());
                }
                for (String name : unknown) {
                    // `get event 38` reads as kubectl's `get pod NAME`, but a bare NAME of events is an object here
                    String byId = isEventId(name) ? "; the event with id " + name + " is `steward get event/" + name + "`" : "";
                    err().println("error: no program or process named \"" + name + "\", and no events about it;"
                            + " run `steward get programs` to list them" + byId);
                }
                if (!unknown.isEmpty()) {
                    return StewardCli.EXIT_FAILED;
                }
                if (stream != null) {
                    long listed = events.stream().mapToLong(e -> Json.num(e, "id", 0)).max().orElse(0);
                    stream.forEach(event -> {
                        String object = Json.str(event, "object");
                        if (Json.num(event, "id", Long.MAX_VALUE) > listed
                                && (objects == null || objects.contains(object) || newProcessOf(subjects, objects, object))) {
                            printer.more(List.of(event));
                        }
                    });
                }
                return StewardCli.EXIT_OK;
            }
            Found found = find(api(), k, names, sel);
            List<Object> items = found.items();
            if (found.isList() || !items.isEmpty()) {
                printer.list(items, found.isList(), found.notes().isEmpty() && found.missing().isEmpty());
            }
            for (String note : found.notes()) { // loops, not lambdas, on the client's common path: see Table.row
                err().println(note);
            }
            for (String missing : found.missing()) {
                err().println("error: " + missing);
            }
            if (!found.missing().isEmpty()) {
                return StewardCli.EXIT_FAILED;
            }
            if (stream != null) {
                Map<String, Seen> seen = new LinkedHashMap<>(); // in listing order, for the REMOVED rows
                items.forEach(item -> seen.put(Json.str(item, "name"), new Seen(item, signature(item))));
                stream.forEachBurst(burst -> { // the events only say when to list again: once for a burst of them
                    List<Object> changed = new ArrayList<>();
                    Set<String> gone = new LinkedHashSet<>(seen.keySet());
                    for (Object item : find(api(), k, names, sel).items()) {
                        String name = Json.str(item, "name");
                        gone.remove(name);
                        String sig = signature(item);
                        Seen before = seen.put(name, new Seen(item, sig));
                        if (before == null || !sig.equals(before.signature())) {
                            changed.add(item);
                        }
                    }
                    // As kubectl's watch shows a deleted pod: a last row, so that the last row of each is its state now.
                    for (String name : gone) {
                        changed.add(Views.removed(k == Kind.PROCESSES, seen.remove(name).item()));
                    }
                    printer.more(changed);
                });
            }
            return StewardCli.EXIT_OK;
        }
    }

    /** Whether {@code event/NAME} names one event by its id, as {@code get events -o name} prints it. */
    private static boolean isEventId(String name) {
        return !name.isEmpty() && name.length() <= 18 && name.chars().allMatch(Character::isDigit);
    }

    /**
     * {@code get event/ID}: that event. Not watched: an event that happens again is recorded anew, with the next id
     * and its count one more, so the id of the one printed would have no further rows.
     */
    private int oneEvent(Printer printer, long id) {
        List<Object> found = new ArrayList<>();
        for (Object event : Json.list(Json.obj(api().get("/events")).get("items"))) {
            if (Json.num(event, "id", -1) == id) {
                found.add(event);
            }
        }
        if (found.isEmpty()) {
            err().println("error: no event event/" + id + "; an event that happened again has a new id, and the daemon keeps"
                    + " the latest events only: run `steward get events` to list them");
            return StewardCli.EXIT_FAILED;
        }
        printer.list(found, false, true);
        return StewardCli.EXIT_OK;
    }

    /** KIND and NAME as get and describe take them: {@code KIND NAME} or {@code KIND/NAME}. */
    record Target(Kind kind, String name) {
        static Target of(String kind, String name) {
            if (!kind.contains("/")) {
                return new Target(GetCommand.kind(kind), name);
            }
            if (name != null) {
                throw usage("give KIND/NAME or KIND NAME, not both");
            }
            return new Target(GetCommand.kind(kind.substring(0, kind.indexOf('/'))), kind.substring(kind.indexOf('/') + 1));
        }
    }

    /** The normalized {@code -l} selector, or null; a NAME and a selector together are a usage error. */
    static String selector(String selector, String name) {
        String sel = selector == null ? null : Selector.normalize(selector);
        if (sel != null && name != null) {
            throw usage("give a NAME or a selector (-l), not both");
        }
        return sel;
    }

    /**
     * What get shows for some names.
     *
     * @param items   what was found
     * @param isList  printed as a list (-o json: {"items": [...]}), not as the one object named
     * @param notes   why a name found nothing, without being an error (a program with 0 replicas)
     * @param missing why a name found nothing (exit 1)
     */
    record Found(List<Object> items, boolean isList, List<String> notes, List<String> missing) {
    }

    /**
     * The ones named, or those the selector matches, or all. A process name finds that process; a program's
     * name, as a process name, finds its processes, as {@code status} and the actions take it.
     */
    static Found find(Api api, Kind k, List<String> names, String sel) {
        if (names.isEmpty()) {
            return new Found(fetch(api, k, null, sel), true, List.of(), List.of());
        }
        List<String> notes = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (k != Kind.PROCESSES) {
            List<Object> items = new ArrayList<>();
            for (String name : names) {
                try {
                    items.add(api.get(k.path + "/" + Api.enc(name)));
                } catch (ApiException notFound) {
                    if (notFound.status() != 404) {
                        throw notFound;
                    }
                    missing.add(notFound.getMessage());
                }
            }
            return new Found(items, names.size() > 1, notes, missing);
        }
        if (names.size() == 1) { // the common case, a process by its name: one small answer
            Optional<Object> process = api.getIfFound("/processes/" + Api.enc(names.get(0)));
            if (process.isPresent()) {
                return new Found(List.of(process.get()), false, notes, missing);
            }
        }
        List<Object> all = Json.list(Json.obj(api.get("/processes")).get("items"));
        Set<Object> picked = new LinkedHashSet<>();
        for (String name : names) {
            boolean found = false;
            for (Object process : all) { // a loop, not a lambda: see Table.row
                if (ActionCommands.names(name, Json.str(process, "name"), Json.str(process, "program"))) {
                    picked.add(process);
                    found = true;
                }
            }
            if (!found) {
                Optional<String> why = name.contains(":") ? Optional.empty() : whyNoProcesses(api, name);
                if (why.isPresent()) {
                    notes.add("program " + name + " has no processes (" + why.get() + ")");
                } else {
                    missing.add("no process or program named \"" + name + "\"" + hint(name, all));
                }
            }
        }
        // One name that names nothing prints no empty list for a script to read as data, as kubectl's get pod NAME -o json
        boolean isList = names.size() > 1 || missing.isEmpty();
        return new Found(new ArrayList<>(picked), isList, notes, missing);
    }

    /**
     * What a name that picked nothing goes on with: Supervisor's name of a process that is there ({@code web_01}, or
     * {@code web:web_01}, for {@code web-1}) is pointed at it, as the daemon's answer for one name is.
     */
    private static String hint(String name, List<Object> all) {
        Optional<String> replica = SupervisorNames.replica(name.substring(name.indexOf(':') + 1));
        if (replica.isPresent()) {
            for (Object process : all) { // a loop, not a lambda: see Table.row
                if (replica.get().equals(Json.str(process, "name"))) {
                    return SupervisorNames.didYouMean(replica.get());
                }
            }
        }
        return "; run `steward get processes` to list them";
    }

    /**
     * Why program {@code name} has no processes (0 replicas, or waiting for its removed namesake's to stop), as
     * {@code get} and {@code status} say it; empty when there is no such program.
     */
    static Optional<String> whyNoProcesses(Api api, String name) {
        Optional<Object> found = api.getIfFound("/programs/" + Api.enc(name));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Object program = found.get();
        if (Json.num(program, "replicas", 0) == 0) {
            return Optional.of("0 replicas; scale it up: steward scale program " + name + " --replicas 1");
        }
        if (Json.bool(program, "waiting")) {
            return Optional.of("not yet: it waits for the processes of the removed program of its name to stop");
        }
        return Optional.of("none listed: try again");
    }

    /** The one named, or those the selector matches, or all. */
    static List<Object> fetch(Api api, Kind k, String name, String sel) {
        if (name != null) {
            return List.of(api.get(k.path + "/" + Api.enc(name)));
        }
        Object answer = api.get(k.path + (sel == null ? "" : "?selector=" + Api.enc(sel)));
        return Json.list(Json.obj(answer).get("items"));
    }

    /**
     * For each NAME, the event objects that concern it: the object itself, or a program and its processes, and
     * the file it came from. A NAME with a kind ({@code manifest/web.yaml}) stands for itself alone.
     */
    private List<EventSubject> eventSubjects(List<String> names) {
        List<EventSubject> subjects = new ArrayList<>();
        for (String name : names) {
            Set<String> objects = new HashSet<>();
            if (name.contains("/")) {
                objects.add(name);
                subjects.add(new EventSubject(name, objects, true));
                continue;
            }
            objects.add("program/" + name);
            objects.add("process/" + name);
            Optional<Object> program = api().getIfFound("/programs/" + Api.enc(name));
            if (program.isPresent()) { // not a lambda: see Table.row
                objects.addAll(Views.eventObjectsOf(program.get()));
            }
            subjects.add(new EventSubject(name, objects, program.isPresent()));
        }
        return subjects;
    }

    /**
     * Whether {@code object}, an event's, is a process that a watched program has gained since the watch began (scaled
     * up, or deleted and created again with more replicas), whose events the program's name covers as the list's do.
     * Only a name such a process can have ({@code NAME-0}, {@code NAME-1}, ...) has the program read again, and its
     * processes join {@code objects}.
     */
    private boolean newProcessOf(List<EventSubject> subjects, Set<String> objects, String object) {
        if (object == null || !object.startsWith("process/")) {
            return false;
        }
        String process = object.substring("process/".length());
        for (EventSubject subject : subjects) {
            if (isReplicaName(process, subject.name())) {
                Optional<Object> program = api().getIfFound("/programs/" + Api.enc(subject.name()));
                if (program.isPresent()) {
                    objects.addAll(Views.eventObjectsOf(program.get()));
                }
            }
        }
        return objects.contains(object);
    }

    /** {@code web-2} for program {@code web}: the program's name, a dash and an index. */
    static boolean isReplicaName(String process, String program) {
        if (program.contains("/") || process.length() <= program.length() + 1 || !process.startsWith(program + "-")) {
            return false;
        }
        for (int i = program.length() + 1; i < process.length(); i++) {
            if (process.charAt(i) < '0' || process.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A NAME of {@code get events}, the event objects it covers, and whether it is known to name something. */
    private record EventSubject(String name, Set<String> objects, boolean known) {
    }

    private static Set<String> objectsOf(List<EventSubject> subjects) {
        Set<String> all = new HashSet<>();
        for (EventSubject subject : subjects) {
            all.addAll(subject.objects());
        }
        return all;
    }

    /**
     * The bare NAMEs that name no program, that no event is about, and that name no process either: a typo, as {@code get program} reports
     * one. A program or process deleted since keeps its events, so it is not one of these.
     */
    private List<String> unknownSubjects(List<EventSubject> subjects, List<Object> events) {
        List<String> unknown = new ArrayList<>();
        for (EventSubject subject : subjects) {
            if (!subject.known() && Views.eventsAbout(events, subject.objects()).isEmpty()
                    && api().getIfFound("/processes/" + Api.enc(subject.name())).isEmpty()) {
                unknown.add(subject.name());
            }
        }
        return unknown;
    }

    /** A watched object as last listed, and its {@link #signature}. */
    private record Seen(Object item, String signature) {
    }

    /** What a watcher cares about: everything but the clock-driven fields (uptime, description). */
    static String signature(Object item) {
        return Json.compact(withoutClock(item));
    }

    private static Object withoutClock(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!"uptimeSeconds".equals(k) && !"description".equals(k)) {
                    out.put(String.valueOf(k), withoutClock(v));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(withoutClock(v)));
            return out;
        }
        return value;
    }

    /** Prints lists and, in watch mode, later changes in the same format. */
    final class Printer {
        private final Kind kind;
        private final String format;
        private final boolean watching;
        private final boolean wide;
        private Table table;

        Printer(Kind kind, String format, boolean watching) {
            this.kind = kind;
            this.format = format;
            this.watching = watching;
            this.wide = format.equals("wide");
        }

        /** Prints {@code items}; an empty table says "No ... found." when {@code sayNoneFound}. */
        void list(List<Object> items, boolean isList, boolean sayNoneFound) {
            switch (format) {
                case "json":
                    if (watching) {
                        items.forEach(item -> out().println(Json.pretty(item)));
                    } else {
                        out().println(Json.pretty(isList ? Map.of("items", items) : items.get(0)));
                    }
                    break;
                case "yaml":
                    if (watching) {
                        items.forEach(item -> out().print("---\n" + Yaml.dump(item)));
                    } else {
                        out().print(Yaml.dump(isList ? Map.of("items", items) : items.get(0)));
                    }
                    break;
                case "name":
                    for (Object item : items) { // steward stop $(steward get processes -l ... -o name): a common path
                        out().println(objectName(item));
                    }
                    break;
                default:
                    table = newTable();
                    Instant now = io().clock().instant();
                    for (Object item : items) { // a loop, not a lambda: see Table.row
                        row(table, item, now);
                    }
                    if (table.isEmpty()) {
                        if (!watching && sayNoneFound) {
                            err().println("No " + kind.name().toLowerCase(java.util.Locale.ROOT) + " found.");
                        }
                        // watching: the header waits for the first rows, so the columns fit them
                    } else {
                        out().print(table.render(!noHeaders));
                    }
            }
            out().flush();
        }

        void more(List<Object> items) {
            if (out().checkError()) { // the reader went away (| head): stop watching
                throw new CliException(StewardCli.EXIT_OK, "output closed");
            }
            if (items.isEmpty()) {
                return;
            }
            switch (format) {
                case "json":
                    items.forEach(item -> out().println(Json.pretty(item)));
                    break;
                case "yaml":
                    items.forEach(item -> out().print("---\n" + Yaml.dump(item)));
                    break;
                case "name":
                    items.forEach(item -> out().println(objectName(item)));
                    break;
                default:
                    Instant now = io().clock().instant();
                    boolean headerPending = table.isEmpty();
                    for (Object item : items) {
                        row(table, item, now);
                    }
                    out().print(headerPending ? table.render(!noHeaders) : table.renderMore());
            }
            out().flush();
        }

        private Table newTable() {
            Table t;
            switch (kind) {
                case PROGRAMS:
                    t = Views.programsTable(wide);
                    break;
                case PROCESSES:
                    t = Views.processesTable(wide);
                    break;
                default:
                    t = Views.eventsTable(wide);
            }
            if (watching) { // later rows must fit under the header printed first
                t.minWidths(kind == Kind.EVENTS ? new int[] {15, 7, 12, 16} : new int[] {0, 0, 8, 12});
            }
            return t;
        }

        private void row(Table t, Object item, Instant now) {
            switch (kind) {
                case PROGRAMS:
                    Views.programRow(t, item, now, wide);
                    break;
                case PROCESSES:
                    Views.processRow(t, item, now, wide);
                    break;
                default:
                    Views.eventRow(t, item, now, wide);
            }
        }

        private String objectName(Object item) {
            return kind == Kind.EVENTS ? "event/" + Json.str(item, "id") : kind.singular + "/" + Json.str(item, "name");
        }
    }
}
