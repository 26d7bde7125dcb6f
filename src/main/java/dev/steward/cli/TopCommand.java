package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code steward top [processes|programs] [NAME...]}: kubectl top's table of what running processes use. The CPU
 * column is a rate, so the command reads the daemon's figures twice, {@code --interval} apart.
 */
@Command(name = "top", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the CPU and memory that running processes (or programs) use.",
                "Each process counts with its process group: what it started, unless that left the group.",
                "CPU is measured over --interval, in cores (1000m = one CPU busy); memory is resident memory."},
        footer = {"", "Examples:", "  steward top", "  steward top programs --sort-by memory", "  steward top web",
                "  steward top -l tier=frontend",
                "", "Example output:",
                "  NAME    CPU(cores)   MEMORY(bytes)   PIDS",
                "  web-0   12m          34Mi            3"})
final class TopCommand extends StewardCli.Verb {
    @Parameters(arity = "0..*", paramLabel = "NAME",
            description = "processes or programs (the default: processes), then only these names (a process, a program or program:*).")
    List<String> words = new ArrayList<>();

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only the processes of programs with these labels.")
    String selector;

    @Option(names = "--sort-by", paramLabel = "cpu|memory", description = "Largest first by this column (default: by name).")
    String sortBy;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "How long CPU is measured over (default: 1).")
    double interval = 1;

    @Option(names = "--no-headers", description = "Leave out the header line.")
    boolean noHeaders;

    /** One row's figures: CPU in cores (negative: not measured), memory in bytes and processes (negative: unknown). */
    private record Use(double cores, long memoryBytes, long processes) {
        static final Use UNKNOWN = new Use(-1, -1, -1);

        Use plus(Use other) {
            double cores = this.cores < 0 || other.cores < 0 ? -1 : this.cores + other.cores;
            boolean known = memoryBytes >= 0 && other.memoryBytes >= 0;
            return new Use(cores, known ? memoryBytes + other.memoryBytes : -1, known ? processes + other.processes : -1);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String> names = new ArrayList<>(words);
        boolean programs = false;
        Optional<GetCommand.Kind> kind = names.isEmpty() ? Optional.empty() : GetCommand.kindOf(names.get(0));
        if (kind.isPresent() && kind.get() != GetCommand.Kind.EVENTS) { // the kinds' names as get takes them
            names.remove(0);
            programs = kind.get() == GetCommand.Kind.PROGRAMS;
        }
        if (selector != null && !names.isEmpty()) {
            throw usage("give NAMEs or a selector (-l), not both");
        }
        if (sortBy != null && !sortBy.equals("cpu") && !sortBy.equals("memory")) {
            throw usage("--sort-by takes cpu or memory (got \"" + sortBy + "\")");
        }
        if (!(interval >= 0.1 && interval <= 60)) {
            throw usage("--interval takes from 0.1 to 60 seconds (got " + ActionCommands.seconds(interval) + ")");
        }
        String path = "/processes?usage=true" + (selector == null ? "" : "&selector=" + Api.enc(Selector.normalize(selector)));
        List<Object> before = Json.list(Json.obj(api().get(path)).get("items"));
        if (picked(before, names, true) == null) {
            return StewardCli.EXIT_FAILED; // said before waiting for a second reading
        }
        long start = System.nanoTime();
        Thread.sleep(Math.round(interval * 1000)); // the CPU column is a rate: a second reading, later
        List<Object> after = Json.list(Json.obj(api().get(path)).get("items"));
        double elapsed = elapsed(before, after, (System.nanoTime() - start) / 1e9);
        List<Object> shown = picked(after, names, false); // a name gone meanwhile (deleted) just has no row
        Map<String, Object> earlier = new HashMap<>();
        for (Object p : before) {
            earlier.put(Json.str(p, "name"), p);
        }
        Map<String, Use> rows = new LinkedHashMap<>();
        for (Object p : shown) {
            if (Json.num(p, "pid", 0) <= 0) {
                continue; // not running
            }
            // running, and no usage: the daemon did not find its process group (its pid is not in the daemon's /proc)
            Use use = Json.obj(Json.obj(p).get("usage")).isEmpty() ? Use.UNKNOWN
                    : new Use(cores(earlier.get(Json.str(p, "name")), p, elapsed), Json.num(p, "usage.memoryBytes", 0),
                    Json.num(p, "usage.processes", 0));
            rows.merge(programs ? Json.str(p, "program") : Json.str(p, "name"), use, Use::plus);
        }
        if (rows.isEmpty()) {
            err().println("no running " + (programs ? "programs" : "processes") + (names.isEmpty() && selector == null ? ""
                    : " among those asked for"));
            return StewardCli.EXIT_OK;
        }
        List<Map.Entry<String, Use>> ordered = new ArrayList<>(rows.entrySet());
        if ("cpu".equals(sortBy)) {
            ordered.sort(Comparator.comparingDouble((Map.Entry<String, Use> e) -> e.getValue().cores()).reversed());
        } else if ("memory".equals(sortBy)) {
            ordered.sort(Comparator.comparingLong((Map.Entry<String, Use> e) -> e.getValue().memoryBytes()).reversed());
        }
        Table table = new Table("NAME", "CPU(cores)", "MEMORY(bytes)", "PIDS");
        for (Map.Entry<String, Use> row : ordered) {
            Use use = row.getValue();
            table.row(row.getKey(), use.cores() < 0 ? "-" : Math.round(use.cores() * 1000) + "m",
                    use.memoryBytes() < 0 ? "-" : memory(use.memoryBytes()),
                    use.processes() < 0 ? "-" : String.valueOf(use.processes()));
        }
        out().print(table.render(!noHeaders));
        return StewardCli.EXIT_OK;
    }

    /**
     * The processes the names pick (all without names), in the order of the names. With {@code check}, null after
     * saying which when a name is neither a process nor a program; a program with no processes (scaled to 0, or
     * waiting) is said to have none, as {@code status} says it.
     */
    private List<Object> picked(List<Object> processes, List<String> names, boolean check) {
        if (names.isEmpty()) {
            return processes;
        }
        List<String> unknown = new ArrayList<>();
        List<Object> picked = ActionCommands.pick(processes, names, unknown);
        boolean failed = false;
        for (String name : check ? unknown : List.<String>of()) {
            Optional<String> why = name.contains(":") ? Optional.empty() : GetCommand.whyNoProcesses(api(), name);
            if (why.isPresent()) {
                err().println(name + ": no processes (" + why.get() + ")");
            } else {
                err().println("error: no process or program named \"" + name + "\"; run `steward get processes` to list them");
                failed = true;
            }
        }
        return failed ? null : picked;
    }

    /**
     * Seconds between the two readings, from the times the daemon read them at (a request's own time is no part of
     * it); {@code measured} by the client when they are missing.
     */
    static double elapsed(List<Object> before, List<Object> after, double measured) {
        Instant first = sampledAt(before);
        Instant second = sampledAt(after);
        if (first == null || second == null || !second.isAfter(first)) {
            return measured;
        }
        return Duration.between(first, second).toNanos() / 1e9;
    }

    private static Instant sampledAt(List<Object> processes) {
        for (Object p : processes) {
            Instant at = Format.instant(Json.str(p, "usage.sampledAt"));
            if (at != null) {
                return at;
            }
        }
        return null;
    }

    /** Cores used between two readings of one run (the same pid); -1 when the process was not running at the first. */
    static double cores(Object before, Object after, double elapsedSeconds) {
        if (before == null || Json.obj(Json.obj(before).get("usage")).isEmpty()
                || Json.num(before, "pid", -1) != Json.num(after, "pid", -2)) {
            return -1;
        }
        double used = doubleAt(after) - doubleAt(before);
        return Math.max(0, used / elapsedSeconds); // a member that ended unwaited for takes its CPU time away
    }

    private static double doubleAt(Object process) {
        Object value = Json.at(process, "usage.cpuSeconds");
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    /** Resident memory as kubectl top shows it: whole mebibytes, rounded down. */
    static String memory(long bytes) {
        return bytes / (1024 * 1024) + "Mi";
    }
}
