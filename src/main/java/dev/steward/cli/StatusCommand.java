package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code steward status [NAME...]}: supervisorctl's status table, with its exit codes (the LSB init-script status
 * codes, which scripts and health checks written for supervisorctl test): 3 when a process shown is not running, 4
 * when a name is unknown or the daemon cannot be asked.
 */
// 100 columns: the example's lines are status's own, which pads names to 33 (picocli wrapped them at 80)
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        description = {"Show every process's state, Supervisor style.",
                "One line per process: name, state, then pid and uptime, the stop time or the error."},
        footer = {"", "Example output:",
                "  hello                            RUNNING   pid 4242, uptime 0:05:13",
                "  web-0                            RUNNING   pid 4250, uptime 0:05:12",
                "  web-1                            FATAL     Exited too quickly (process log may have details)",
                "", "Exit codes (supervisorctl's):",
                "  0 every process shown is running (or starting, stopping, in backoff)",
                "  3 one is STOPPED, EXITED, FATAL or UNKNOWN",
                "  4 a name is unknown, or the daemon cannot be reached",
                "  2 usage"})
final class StatusCommand extends StewardCli.Verb {
    /** supervisorctl's {@code LSBStatusExitStatuses}. */
    static final int EXIT_NOT_RUNNING = 3;
    static final int EXIT_UNKNOWN = 4;

    /** supervisorctl's {@code STOPPED_STATES}: what makes {@code status} exit 3. */
    private static final List<String> NOT_RUNNING = List.of("STOPPED", "EXITED", "FATAL", "UNKNOWN");

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
        List<Object> processes;
        try {
            processes = Json.list(Json.obj(api().get("/processes" + (sel == null ? "" : "?selector=" + Api.enc(sel)))).get("items"));
        } catch (CliException e) {
            // supervisorctl's status says 4, "unknown", when it cannot ask; the other verbs' 3 means "not running" here
            throw e.exitCode() == StewardCli.EXIT_UNREACHABLE ? new CliException(EXIT_UNKNOWN, e.getMessage(), e.details()) : e;
        }
        int exit = StewardCli.EXIT_OK;
        List<Object> shown = processes;
        List<String> unknown = new ArrayList<>();
        if (!names.isEmpty()) {
            shown = ActionCommands.pick(processes, names, unknown);
        }
        // Before the table, in the order given, as supervisorctl prints a bad name's line while it matches the names
        for (String name : unknown) {
            // GROUP:* names a program as a group, and supervisorctl says "no such group" of an unknown one
            boolean group = name.endsWith(":*");
            String program = group ? name.substring(0, name.length() - 2) : name;
            Optional<String> why = program.contains(":") ? Optional.empty() : GetCommand.whyNoProcesses(api(), program);
            if (why.isPresent()) { // scaled to zero, or waiting: not an error
                out().println(program + ": no processes (" + why.get() + ")");
                continue;
            }
            out().println(program + (group ? ": ERROR (no such group)" : ": ERROR (no such process)"));
            exit = EXIT_UNKNOWN;
        }
        out().print(Views.status(shown));
        for (Object process : shown) { // after the names, as supervisorctl: a process not running outweighs a bad name
            if (NOT_RUNNING.contains(String.valueOf(Json.obj(process).get("state")))) {
                exit = EXIT_NOT_RUNNING;
            }
        }
        return exit;
    }
}
