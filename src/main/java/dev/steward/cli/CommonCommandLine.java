package dev.steward.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The command lines typed most often, read without picocli: {@code status}, {@code get},
 * {@code describe}, {@code logs}, {@code start}, {@code stop} and {@code restart}, with names,
 * {@code -l}, {@code -o}, {@code --timeout}, {@code --server} and {@code logs}' own options; and
 * {@code version}, or {@code --version} alone, for which picocli built the model of every verb (110 ms
 * for one line of output). Building picocli's model from the annotations was more than a third of
 * such a call's CPU ({@code logs NAME --tail 5}: 111 ms with it). The result is the same command
 * object picocli would fill in, run the same way, so the behaviour is the same; anything else (help,
 * another verb or option, a repeated option, a missing value, {@code --}, an {@code @FILE}) gives
 * empty, and picocli parses it and explains.
 */
final class CommonCommandLine {
    private static final Map<String, String> OPTIONS = Map.of(
            "--server", "server", "-l", "selector", "--selector", "selector", "-o", "output", "--output", "output",
            "--timeout", "timeout", "--tail", "tail", "--limit-bytes", "limit-bytes");
    /** Options without a value. */
    private static final Map<String, String> FLAGS = Map.of("-f", "follow", "--follow", "follow", "--stderr", "stderr");
    private static final Map<String, Set<String>> VERB_OPTIONS = Map.of(
            "status", Set.of("server", "selector"),
            "get", Set.of("server", "selector", "output"),
            "describe", Set.of("server", "selector"),
            "logs", Set.of("server", "follow", "tail", "limit-bytes", "stderr"),
            "start", Set.of("server", "selector", "timeout"),
            "stop", Set.of("server", "selector", "timeout"),
            "restart", Set.of("server", "selector", "timeout"),
            "version", Set.of("server"));

    private CommonCommandLine() {
    }

    /** The verb to run for {@code args}, its root being {@code root}; empty when picocli must read them. */
    static Optional<StewardCli.Verb> parse(StewardCli root, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return bind(root, new VersionCommand(), null); // prints what picocli's version provider gives
        }
        String verb = null;
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        String serverBeforeVerb = null; // given as "--server VALUE" before the verb
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("@")) {
                return Optional.empty(); // picocli reads @FILE as more arguments
            }
            if (!arg.startsWith("-")) {
                if (verb == null) {
                    verb = arg;
                } else {
                    words.add(arg);
                }
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            String flag = FLAGS.get(name);
            if (flag != null) {
                if (verb == null || value != null || options.put(flag, "true") != null) {
                    return Optional.empty(); // picocli says whether --follow=true or a repeated flag is allowed
                }
                continue;
            }
            String option = OPTIONS.get(name);
            if (option == null || (verb == null && !option.equals("server"))) {
                return Optional.empty();
            }
            if (value == null) {
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return Optional.empty();
                }
                value = args[++i];
                if (verb == null) {
                    serverBeforeVerb = value;
                }
            }
            if (options.put(option, value) != null) {
                return Optional.empty();
            }
        }
        if (verb == null || !VERB_OPTIONS.containsKey(verb) || !VERB_OPTIONS.get(verb).containsAll(options.keySet())) {
            return Optional.empty();
        }
        if (verb.equals(serverBeforeVerb)) {
            return Optional.empty(); // "--server status status": picocli takes no command name as an option's value
        }
        Optional<StewardCli.Verb> command = command(verb, words, options); // no lambda here: see Table.row
        return command.isEmpty() ? command : bind(root, command.get(), options.get("server"));
    }

    private static Optional<StewardCli.Verb> bind(StewardCli root, StewardCli.Verb command, String server) {
        root.server = server;
        command.root = root;
        return Optional.of(command);
    }

    private static Optional<StewardCli.Verb> command(String verb, List<String> words, Map<String, String> options) {
        switch (verb) {
            case "status" -> {
                StatusCommand status = new StatusCommand();
                status.names.addAll(words);
                status.selector = options.get("selector");
                return Optional.of(status);
            }
            case "get" -> {
                if (words.isEmpty() || words.size() > 2) {
                    return Optional.empty(); // KIND [NAME]: picocli says what is missing or extra
                }
                GetCommand get = new GetCommand();
                get.kind = words.get(0);
                get.name = words.size() == 2 ? words.get(1) : null;
                get.selector = options.get("selector");
                get.output = options.get("output");
                return Optional.of(get);
            }
            case "describe" -> {
                if (words.isEmpty() || words.size() > 2) {
                    return Optional.empty();
                }
                DescribeCommand describe = new DescribeCommand();
                describe.kind = words.get(0);
                describe.name = words.size() == 2 ? words.get(1) : null;
                describe.selector = options.get("selector");
                return Optional.of(describe);
            }
            case "logs" -> {
                if (words.size() != 1) {
                    return Optional.empty();
                }
                LogsCommand logs = new LogsCommand();
                logs.name = words.get(0);
                logs.follow = options.containsKey("follow");
                logs.stderr = options.containsKey("stderr");
                try { // picocli's conversion is Integer.valueOf and Long.valueOf; its defaults are -1
                    logs.tail = options.containsKey("tail") ? Integer.parseInt(options.get("tail")) : -1;
                    logs.bytes = options.containsKey("limit-bytes") ? Long.parseLong(options.get("limit-bytes")) : -1;
                } catch (NumberFormatException e) {
                    return Optional.empty(); // picocli's message names the option and the value
                }
                return Optional.of(logs);
            }
            case "version" -> {
                return words.isEmpty() ? Optional.of(new VersionCommand()) : Optional.empty();
            }
            default -> {
                ActionCommands.NamedTargets action = switch (verb) {
                    case "start" -> new ActionCommands.Start();
                    case "stop" -> new ActionCommands.Stop();
                    default -> new ActionCommands.Restart();
                };
                action.targets.addAll(words);
                action.selector = options.get("selector");
                if (options.containsKey("timeout")) {
                    try {
                        action.timeout = Double.parseDouble(options.get("timeout"));
                    } catch (NumberFormatException e) {
                        return Optional.empty(); // picocli's message names the option and the value
                    }
                }
                return Optional.of(action);
            }
        }
    }
}
