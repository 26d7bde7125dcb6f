package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code steward status [NAME...]}: supervisorctl's status table. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show every process's state, Supervisor style.",
                "One line per process: name, state, then pid and uptime, the stop time or the error."},
        footer = {"", "Example output:",
                "  hello                            RUNNING   pid 4242, uptime 0:05:13",
                "  web-0                            RUNNING   pid 4250, uptime 0:05:12",
                "  web-1                            FATAL     Exited too quickly (process log may have details)"})
final class StatusCommand extends StewardCli.Verb {
    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Only these processes or programs (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Only the processes of programs with these labels.")
    String selector;

    @Override
    public Integer call() {
        if (selector != null && !names.isEmpty()) {
            throw usage("give NAMEs or a selector (-l), not both");
        }
        String sel = selector == null ? null : Selector.normalize(selector);
        List<Object> processes = Json.list(Json.obj(api().get("/processes" + (sel == null ? "" : "?selector=" + Api.enc(sel)))).get("items"));
        int exit = StewardCli.EXIT_OK;
        List<Object> shown = processes;
        List<String> unknown = new ArrayList<>();
        if (!names.isEmpty()) {
            shown = ActionCommands.pick(processes, names, unknown);
        }
        out().print(Views.status(shown));
        for (String name : unknown) {
            Optional<String> why = name.contains(":") ? Optional.empty() : GetCommand.whyNoProcesses(api(), name);
            if (why.isPresent()) { // scaled to zero, or waiting: not an error
                out().println(name + ": no processes (" + why.get() + ")");
                continue;
            }
            out().println(name + ": ERROR (no such process)");
            exit = StewardCli.EXIT_FAILED;
        }
        return exit;
    }
}
