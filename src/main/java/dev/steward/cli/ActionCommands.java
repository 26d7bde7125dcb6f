package dev.steward.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code start|stop|restart NAME... | all | -l selector} and {@code signal SIG NAME...}: Supervisor's verbs. */
final class ActionCommands {
    private ActionCommands() {
    }

    /** What the action verbs share: targets or a selector, a timeout, Supervisor-style output. */
    abstract static class Action extends StewardCli.Verb {
        @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR", description = "The processes of the programs with these labels.")
        String selector;

        // Null when not given: the daemon then waits as long as the processes' own settings need, as supervisorctl does.
        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "How long start, stop and restart wait for the processes to get there (fractions allowed;"
                        + " by default as long as their startSeconds and stopTimeoutSeconds need, and at least 30);"
                        + " signal waits for nothing.")
        Double timeout;

        private final String action;

        /** @param action the API action, which is also the verb's name */
        Action(String action) {
            this.action = action;
        }

        final String action() {
            return action;
        }

        abstract List<String> targets();

        String extraQuery() {
            return "";
        }

        @Override
        public Integer call() {
            String query = query(targets(), selector, timeout);
            Object answer;
            try {
                answer = api().post("/actions/" + action() + "?" + query + extraQuery(), null, null);
            } catch (ApiException e) {
                if (e.status() == 504) { // timed out: the body still says where each process got
                    print(e.body());
                }
                throw e;
            }
            return print(answer) ? StewardCli.EXIT_OK : StewardCli.EXIT_FAILED;
        }

        /** {@code web-0: started} per process, or {@code web-1: ERROR (spawn error: ...)}; true when all ok. */
        private boolean print(Object answer) {
            boolean ok = !Boolean.FALSE.equals(Json.obj(answer).get("ok"));
            for (Object item : Json.list(Json.obj(answer).get("items"))) {
                out().println(resultLine(item));
                ok &= Json.bool(item, "ok");
            }
            out().flush();
            return ok;
        }

        static String resultLine(Object item) {
            String message = Json.str(item, "message");
            if (Json.bool(item, "ok")) {
                return Json.str(item, "name") + ": " + (message == null ? "ok" : message);
            }
            return Json.str(item, "name") + ": ERROR (" + (message == null ? Json.str(item, "state") : message) + ")";
        }
    }

    /** start, stop and restart: names (or all) after the verb. */
    abstract static class NamedTargets extends Action {
        @Parameters(arity = "0..*", paramLabel = "NAME", description = "Process or program names, or all.")
        List<String> targets = new ArrayList<>();

        NamedTargets(String action) {
            super(action);
        }

        @Override
        List<String> targets() {
            return targets;
        }
    }

    /** The query string: repeated {@code target=} or one {@code selector=}, and the timeout when one was given. */
    static String query(List<String> targets, String selector, Double timeout) {
        if (timeout != null) {
            checkTimeout(timeout);
        }
        if (selector != null && !targets.isEmpty()) {
            throw StewardCli.Verb.usage("give NAMEs (or all) or a selector (-l), not both");
        }
        if (selector == null && targets.isEmpty()) {
            throw StewardCli.Verb.usage("say which processes: NAME..., all, or -l SELECTOR");
        }
        StringBuilder q = new StringBuilder();
        if (selector != null) {
            q.append("selector=").append(Api.enc(Selector.normalize(selector)));
        }
        for (String target : targets) {
            if (q.length() > 0) {
                q.append('&');
            }
            q.append("target=").append(Api.enc(withoutKind(target))); // the daemon reads GROUP:NAME too
        }
        return timeout == null ? q.toString() : q.append("&timeout=").append(seconds(timeout)).toString();
    }

    /**
     * A name as {@code get -o name} prints it, as kubectl takes such names back ({@code kubectl delete $(kubectl get pods
     * -o name)}): {@code process/web-0} is {@code web-0}, {@code program/web} is {@code web:*}, all of its processes.
     * Any other name is the daemon's to read.
     */
    static String withoutKind(String target) {
        int slash = target.indexOf('/');
        if (slash < 0) {
            return target;
        }
        Optional<GetCommand.Kind> kind = GetCommand.kindOf(target.substring(0, slash));
        if (kind.isEmpty()) {
            return target;
        }
        String name = target.substring(slash + 1);
        switch (kind.get()) {
            case PROCESSES:
                return name;
            case PROGRAMS:
                return name + ":*";
            default:
                throw StewardCli.Verb.usage("\"" + target + "\" is an event; name a process or a program (process/NAME,"
                        + " program/NAME, or NAME)");
        }
    }

    /** A usage error unless {@code timeout} is what the daemon takes: more than 0 and at most a day. */
    static void checkTimeout(double timeout) {
        if (!(timeout > 0 && timeout <= 86400)) {
            throw StewardCli.Verb.usage("--timeout must be more than 0 and at most 86400 seconds (got " + seconds(timeout) + ")");
        }
    }

    /** {@code 30}, or {@code 0.5}: no {@code .0} on whole seconds. */
    static String seconds(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /**
     * The processes that the names pick (a process, a program, {@code program:process}, {@code all}), in the order of
     * the names, each once; the names that pick none are added to {@code unknown}.
     */
    static List<Object> pick(List<Object> processes, List<String> names, List<String> unknown) {
        Set<Object> picked = new LinkedHashSet<>();
        for (String name : names) {
            boolean found = false;
            String target = withoutKind(name);
            for (Object p : processes) {
                if (names(target, Json.str(p, "name"), Json.str(p, "program"))) {
                    picked.add(p);
                    found = true;
                }
            }
            if (!found) {
                unknown.add(name);
            }
        }
        return new ArrayList<>(picked);
    }

    /**
     * Whether {@code target} names this process: its name, its program, {@code all}, or Supervisor's
     * {@code GROUP:NAME} (NAME of program GROUP) and {@code GROUP:*} (every process of GROUP). The daemon
     * resolves action targets the same way.
     */
    static boolean names(String target, String process, String program) {
        int colon = target.indexOf(':');
        if (colon >= 0) {
            String name = target.substring(colon + 1);
            return target.substring(0, colon).equals(program) && (name.equals("*") || name.isEmpty() || name.equals(process));
        }
        return target.equals("all") || target.equals(process) || target.equals(program);
    }

    @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Start processes and wait until they are RUNNING.",
                    "NAME is a process, a program (all its processes) or all; or use -l SELECTOR."},
            footer = {"", "Examples:", "  steward start web-0", "  steward start web", "  steward start all", "  steward start -l tier=frontend"})
    static final class Start extends NamedTargets {
        Start() {
            super("start");
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Stop processes.",
                    "They stay stopped, even across daemon restarts, until started again."},
            footer = {"", "Examples:", "  steward stop web-1", "  steward stop all", "  steward stop -l tier=batch"})
    static final class Stop extends NamedTargets {
        Stop() {
            super("stop");
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Restart processes, one at a time.",
                    "The next one restarts once the previous is RUNNING again."},
            footer = {"", "Examples:", "  steward restart web", "  steward restart all"})
    static final class Restart extends NamedTargets {
        Restart() {
            super("restart");
        }
    }

    @Command(name = "signal", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Send a signal to processes.",
                    "SIG is a name (HUP, USR1, TERM, ..., with or without SIG) or a number."},
            footer = {"", "Examples:", "  steward signal HUP web", "  steward signal USR1 all", "  steward signal 10 -l tier=frontend"})
    static final class SignalCommand extends Action {
        SignalCommand() {
            super("signal");
        }

        @Parameters(index = "0", paramLabel = "SIG", description = "Signal name or number.")
        String signal;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "NAME", description = "Process or program names, or all.")
        List<String> targets = new ArrayList<>();

        @Override
        List<String> targets() {
            return targets;
        }

        @Override
        String extraQuery() {
            String s = signal.strip();
            if (!s.matches("(?i)(SIG)?[A-Z0-9+-]+")) {
                throw usage("bad signal \"" + signal + "\"; use a name such as HUP or TERM, or a number");
            }
            String name = s.toUpperCase(java.util.Locale.ROOT);
            return "&signal=" + Api.enc(name.startsWith("SIG") ? name.substring(3) : name);
        }
    }
}
