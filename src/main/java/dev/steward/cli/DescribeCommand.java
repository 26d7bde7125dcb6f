package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code steward describe program|process NAME}: everything about it, then its events. */
@Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a program or a process in detail.",
                "A program's spec and each process (state, last state, restarts), then the events."},
        footer = {"", "Examples:", "  steward describe program web", "  steward describe process web-0",
                "  steward describe process web     (each process of program web)",
                "  steward describe programs -l tier=frontend"})
final class DescribeCommand extends StewardCli.Verb {
    @Parameters(index = "0", paramLabel = "KIND", description = "program or process (or KIND/NAME).")
    String kind;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME",
            description = "Which ones, as kubectl takes several (default: all, or those matching -l).")
    List<String> names = new ArrayList<>();

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector: k=v, k!=v, k, !k, comma-separated.")
    String selector;

    @Override
    public Integer call() {
        GetCommand.Target target = GetCommand.Target.of(kind, names.isEmpty() ? null : names.get(0));
        GetCommand.Kind k = target.kind();
        if (target.name() != null && names.isEmpty()) {
            names = List.of(target.name()); // KIND/NAME
        }
        if (k == GetCommand.Kind.EVENTS) {
            throw usage("describe programs or processes; for events use: steward get events");
        }
        String sel = GetCommand.selector(selector, names.isEmpty() ? null : names.get(0));
        // As get takes them: a process's name, or a program's (program:process too) for each of its processes.
        GetCommand.Found found = GetCommand.find(api(), k, names, sel);
        for (String note : found.notes()) { // not a lambda: see Table.row
            err().println(note);
        }
        if (names.size() <= 1 && !found.missing().isEmpty()) {
            throw ApiException.notFound(found.missing().get(0));
        }
        List<Object> items = found.items();
        if (items.isEmpty() && found.missing().isEmpty()) {
            if (names.isEmpty()) {
                err().println("No " + k.name().toLowerCase(java.util.Locale.ROOT) + " found.");
            }
            return StewardCli.EXIT_OK;
        }
        List<Object> events = Json.list(Json.obj(api().get("/events")).get("items"));
        Instant now = io().clock().instant();
        ZoneId zone = io().clock().getZone();
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out().println();
            }
            first = false;
            if (k == GetCommand.Kind.PROGRAMS) {
                out().print(Views.describeProgram(item, Views.eventsAbout(events, Views.eventObjectsOf(item)), now, zone));
            } else {
                out().print(Views.describeProcess(item, Views.eventsAbout(events, Set.of("process/" + Json.str(item, "name"))),
                        now, zone));
            }
        }
        // Several names, as get: those found are described, then each one that found nothing is said (exit 1).
        for (String missing : found.missing()) {
            err().println("error: " + missing);
        }
        return found.missing().isEmpty() ? StewardCli.EXIT_OK : StewardCli.EXIT_FAILED;
    }
}
