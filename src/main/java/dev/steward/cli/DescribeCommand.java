package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code steward describe program|process NAME}: everything about it, then its events. */
@Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a program or a process in detail.",
                "A program's spec and each process (state, last state, restarts), then the events."},
        footer = {"", "Examples:", "  steward describe program web", "  steward describe process web-0",
                "  steward describe programs -l tier=frontend"})
final class DescribeCommand extends StewardCli.Verb {
    @Parameters(index = "0", paramLabel = "KIND", description = "program or process (or KIND/NAME).")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Which one (default: all, or those matching -l).")
    String name;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Label selector: k=v, k!=v, k, !k, comma-separated.")
    String selector;

    @Override
    public Integer call() {
        String kindWord = kind;
        if (kind.contains("/")) {
            if (name != null) {
                throw usage("give KIND/NAME or KIND NAME, not both");
            }
            kindWord = kind.substring(0, kind.indexOf('/'));
            name = kind.substring(kind.indexOf('/') + 1);
        }
        GetCommand.Kind k = GetCommand.kind(kindWord);
        if (k == GetCommand.Kind.EVENTS) {
            throw usage("describe programs or processes; for events use: steward get events");
        }
        String sel = selector == null ? null : Selector.normalize(selector);
        if (sel != null && name != null) {
            throw usage("give a NAME or a selector (-l), not both");
        }
        List<Object> items = name != null ? List.of(api().get(k.path + "/" + Api.enc(name)))
                : Json.list(Json.obj(api().get(k.path + (sel == null ? "" : "?selector=" + Api.enc(sel)))).get("items"));
        if (items.isEmpty()) {
            err().println("No " + k.name().toLowerCase(java.util.Locale.ROOT) + " found.");
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
            Set<String> objects = new HashSet<>();
            if (k == GetCommand.Kind.PROGRAMS) {
                objects.add("program/" + Json.str(item, "name"));
                for (Object p : Json.list(Json.obj(item).get("processes"))) {
                    objects.add("process/" + Json.str(p, "name"));
                }
                out().print(Views.describeProgram(item, Views.eventsAbout(events, objects), now, zone));
            } else {
                objects.add("process/" + Json.str(item, "name"));
                out().print(Views.describeProcess(item, Views.eventsAbout(events, objects), now, zone));
            }
        }
        return StewardCli.EXIT_OK;
    }
}
