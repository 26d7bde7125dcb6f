package dev.steward.cli;

import dev.steward.control.SupervisorNames;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code steward logs [KIND/]NAME | -l SELECTOR [-f|-p] [--tail N] [--stderr] [--prefix]}: a process's output, as kept by
 * the daemon; or the output of every process of the programs a selector picks, as kubectl logs -l.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a process's output.",
                "The last 64 KiB of stdout (or stderr), or the last N lines, from the daemon's",
                "memory or, for more, its log files (output of earlier runs and daemons too);",
                "-f keeps printing new output (across log rotation) until interrupted;",
                "-p prints what the run before the latest one wrote (its last words before a crash).",
                "With -l, every process of the programs with those labels, one after another",
                "(the last 10 lines of each unless --tail says), or all at once, line by line, with -f."},
        footer = {"", "Examples:", "  steward logs web-0 --tail 20", "  steward logs hello -f", "  steward logs web-1 --stderr",
                "  steward logs crashy -p --tail 20", "  steward logs program/web      # its first running process",
                "  steward logs -l tier=web -f --prefix"})
final class LogsCommand extends StewardCli.Verb {
    /** kubectl's default for -l: each of many streams shows its last lines, not 64 KiB. */
    static final int SELECTOR_TAIL = 10;

    @Parameters(index = "0", arity = "0..1", paramLabel = "[KIND/]NAME",
            description = "A process, or a program with one process; program/NAME takes a program's first running process.")
    String name;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "Every process of the programs with these labels.")
    String selector;

    @Option(names = {"-f", "--follow"}, description = "Keep streaming new output.")
    boolean follow;

    /** No --tail given: the daemon's default, the last 64 KiB (a selector's, the last {@link #SELECTOR_TAIL} lines). */
    static final int TAIL_UNSET = Integer.MIN_VALUE;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "" + TAIL_UNSET,
            description = "Only the last N lines; -1: all that memory and the log files hold, as kubectl's (default: the last"
                    + " 64 KiB; with -l, the last " + SELECTOR_TAIL + " lines).", showDefaultValue = CommandLine.Help.Visibility.NEVER)
    int tail;

    @Option(names = "--limit-bytes", paramLabel = "N", defaultValue = "-1", description = "Only the last N bytes.")
    long bytes;

    @Option(names = "--stderr", description = "The stderr stream instead of stdout.")
    boolean stderr;

    @Option(names = {"-p", "--previous"}, description = "What the run before the latest one wrote (before its crash or restart).")
    boolean previous;

    @Option(names = "--prefix", description = "Begin each line with the process it comes from: [process/web-0].")
    boolean prefix;

    @Option(names = "--max-log-requests", paramLabel = "N", defaultValue = "5",
            description = "With -l and -f, how many processes may be followed at once (default 5, as kubectl).")
    int maxLogRequests;

    @Override
    public Integer call() {
        if (tail < -1 && tail != TAIL_UNSET) {
            throw usage("--tail must be 0 or more, or -1 for every line (got " + tail + ")");
        }
        if (bytes < -1) {
            throw usage("--limit-bytes must be 0 or more (got " + bytes + ")");
        }
        if (previous && follow) {
            throw usage("--previous shows a run that has ended, which cannot be followed; drop -f, or --previous to"
                    + " follow the current run");
        }
        if (selector != null) {
            if (name != null) {
                throw usage("give a NAME or a selector (-l), not both");
            }
            if (maxLogRequests < 1) {
                throw usage("--max-log-requests must be 1 or more (got " + maxLogRequests + ")");
            }
            return new SelectedLogs(this).print(Selector.normalize(selector));
        }
        if (name == null) {
            throw usage("name a process (steward logs web-0), a program (steward logs program/web), or a selector"
                    + " (steward logs -l tier=web)");
        }
        HttpTransport.Response opened;
        String process = name;
        int slash = name.indexOf('/');
        int colon = name.indexOf(':');
        if (colon >= 0 && slash < 0) {
            process = processOfGroup(name.substring(0, colon), name.substring(colon + 1));
            opened = api().stream(target(process, stderr), "text/plain");
        } else if (slash >= 0) {
            process = processOfKind(name.substring(0, slash), name.substring(slash + 1));
            opened = api().stream(target(process, stderr), "text/plain");
        } else {
            try {
                opened = api().stream(target(process, stderr), "text/plain");
            } catch (ApiException notFound) {
                if (notFound.status() != 404) {
                    throw notFound;
                }
                process = processOf(name, notFound);
                opened = api().stream(target(process, stderr), "text/plain");
            }
        }
        long printed = 0;
        String lost = opened.header("Steward-Lost-Bytes");
        try (HttpTransport.Response response = opened) {
            InputStream body = response.body;
            if (prefix) {
                printed = new LogLines(out(), out(), "[process/" + process + "] ").copy(body, follow);
            } else {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = body.read(buffer)) > 0) {
                    printed += n;
                    out().write(buffer, 0, n);
                    if (follow && body.available() == 0) {
                        out().flush();
                        if (out().checkError()) { // the reader went away (| head): stop following
                            return StewardCli.EXIT_OK;
                        }
                    }
                }
            }
            out().flush();
        } catch (IOException e) {
            throw api().failure(e);
        }
        if (lost != null) {
            err().println("steward: the first " + lost + " bytes of what " + process + "'s previous run wrote are no longer"
                    + " in memory (later output wrote over them); its log file has them, if the program keeps one: steward"
                    + " describe process " + process + " names it");
        }
        if (printed == 0 && !follow && !previous && tail != 0 && bytes != 0 && wroteTo(process, !stderr)) {
            // supervisorctl tail shows one stream too, and an empty answer looks like a program that said nothing
            err().println("steward: " + process + " wrote nothing to " + (stderr ? "stderr" : "stdout") + ", but it wrote to "
                    + (stderr ? "stdout: steward logs " + process : "stderr: steward logs " + process + " --stderr")
                    + (tail != TAIL_UNSET ? " --tail " + tail : "") + (bytes >= 0 ? " --limit-bytes " + bytes : ""));
        }
        return StewardCli.EXIT_OK;
    }

    private boolean wroteTo(String process, boolean stderr) {
        try (HttpTransport.Response response = api().stream(logs(process, stderr) + "&bytes=1", "text/plain")) {
            return response.body.read() >= 0;
        } catch (IOException | ApiException e) {
            return false; // only a hint
        }
    }

    String target(String process, boolean stderr) {
        return target(process, stderr, lines());
    }

    /** The API's {@code tail}: -1 for its default; kubectl's {@code --tail -1}, every line, as many as the API takes. */
    int lines() {
        return tail == TAIL_UNSET ? -1 : tail == -1 ? Integer.MAX_VALUE : tail;
    }

    String target(String process, boolean stderr, int lines) {
        return logs(process, stderr) + (lines >= 0 ? "&tail=" + lines : "") + (bytes >= 0 ? "&bytes=" + bytes : "") + (follow ? "&follow=true" : "")
                + (previous ? "&previous=true" : "");
    }

    private static String logs(String process, boolean stderr) {
        return "/processes/" + Api.enc(process) + "/logs?stream=" + (stderr ? "stderr" : "stdout");
    }

    /** NAME is not a process: when it is a program with one process, that one; otherwise say which there are. */
    private String processOf(String program, ApiException notAProcess) {
        List<Object> found;
        try {
            found = processesOf(program);
        } catch (ApiException notAProgram) {
            throw notAProcess;
        }
        List<String> processes = new ArrayList<>();
        for (Object process : found) {
            processes.add(Json.str(process, "name"));
        }
        if (processes.size() == 1) {
            return processes.get(0);
        }
        throw new CliException(StewardCli.EXIT_USAGE, "program " + program + " has " + processes.size() + " processes"
                + " (" + String.join(", ", processes) + "); name one (steward logs " + processes.get(0) + "), take its"
                + " first running one (steward logs program/" + program + "), or all by their labels (steward logs -l ...)");
    }

    /**
     * supervisorctl's {@code GROUP:NAME} ({@code tail web:web-0}): process NAME of program GROUP; {@code GROUP:*} (or
     * {@code GROUP:}) its first running process, as {@code program/GROUP}.
     */
    private String processOfGroup(String group, String member) {
        boolean anyMember = member.isEmpty() || member.equals("*");
        if (group.isEmpty()) { // supervisorctl's tail :web-0 says "no such process" too
            // ":" and ":*" have no process to name alone: only the program is missing
            throw new CliException(StewardCli.EXIT_FAILED, "no process named \":" + member + "\": " + (anyMember
                    ? "PROGRAM:" + member + " needs its program before the colon (its first running process); run `steward"
                    + " get programs` to list them"
                    : "GROUP:NAME needs its program before the colon (PROGRAM:" + member + "), or name the process alone ("
                    + member + "); run `steward get processes` to list them"));
        }
        if (anyMember) {
            return processOfKind("program", group);
        }
        List<String> names = new ArrayList<>();
        for (Object process : processesOf(group)) {
            names.add(Json.str(process, "name"));
        }
        if (!names.contains(member)) {
            Optional<String> replica = SupervisorNames.replica(member); // web:web_01, as supervisord named it
            throw new CliException(StewardCli.EXIT_FAILED, "no process named \"" + group + ":" + member + "\""
                    + (replica.isPresent() && names.contains(replica.get()) ? SupervisorNames.didYouMean(replica.get())
                    : ": program " + group + " has " + String.join(", ", names) + "; name one of them (steward logs "
                    + names.get(0) + ")"));
        }
        return member;
    }

    /** {@code process/NAME} is that process; {@code program/NAME} its first running process, as kubectl's deploy/NAME. */
    private String processOfKind(String kind, String named) {
        java.util.Optional<GetCommand.Kind> k = GetCommand.kindOf(kind);
        if (k.isEmpty() || k.get() == GetCommand.Kind.EVENTS || named.isEmpty()) {
            throw usage("logs takes process/NAME or program/NAME (got \"" + kind + "/" + named + "\")");
        }
        if (k.get() == GetCommand.Kind.PROCESSES) {
            return named;
        }
        List<Object> processes = processesOf(named);
        Object chosen = processes.get(0);
        for (Object process : processes) {
            if ("RUNNING".equals(Json.str(process, "state"))) {
                chosen = process;
                break;
            }
        }
        String process = Json.str(chosen, "name");
        if (processes.size() > 1) {
            err().println("Found " + processes.size() + " processes, using process/" + process);
        }
        return process;
    }

    /** The processes of {@code program}, at least one: a program scaled to 0 is an error that says what to do. */
    private List<Object> processesOf(String program) {
        List<Object> processes = Json.list(Json.obj(api().get("/programs/" + Api.enc(program))).get("processes"));
        if (processes.isEmpty()) {
            throw new CliException(StewardCli.EXIT_FAILED, "program " + program + " has 0 replicas, so it has no process"
                    + " to show the log of; scale it up: steward scale program " + program + " --replicas 1");
        }
        return processes;
    }
}
