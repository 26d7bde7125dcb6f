package dev.steward.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command lines typed most often, read without picocli: {@code status}, {@code get},
 * {@code describe}, {@code logs}, {@code apply}, {@code diff}, {@code delete}, {@code start},
 * {@code stop} and {@code restart}, with names and the options each takes (one {@code -f FILE} at
 * most); and {@code version}, or {@code --version} alone, for which picocli built the model of every
 * verb (110 ms for one line of output). Building picocli's model from the annotations was more than
 * a third of such a call's CPU ({@code logs NAME --tail 5}: 107 ms with it, 45 without). The result is
 * the same command object picocli would fill in, run the same way, so the behaviour is the same;
 * anything else (help, another verb or option, a repeated option, a missing value, {@code --}, an
 * {@code @FILE} even as an option's value, {@code -f -}) gives empty, and picocli parses it and explains.
 */
final class CommonCommandLine {
    /** An option the reader knows: the key it is stored under, and whether it takes a value. */
    private record Opt(String key, boolean takesValue) {
    }

    private static final Map<String, Opt> SERVER = Map.of("--server", new Opt("server", true));
    private static final Map<String, Opt> SELECTOR = Map.of("-l", new Opt("selector", true), "--selector", new Opt("selector", true));
    private static final Map<String, Opt> TIMEOUT = Map.of("--timeout", new Opt("timeout", true));
    /** One -f FILE (picocli reads repeated ones) and -R, as apply, diff and delete take them. */
    private static final Map<String, Opt> FILES = Map.of("-f", new Opt("filename", true), "--filename", new Opt("filename", true),
            "-R", new Opt("recursive", false), "--recursive", new Opt("recursive", false));
    private static final Map<String, Opt> DRY_RUN = Map.of("--dry-run", new Opt("dry-run", false));
    /** The options each verb read here takes ("-f" is a file for apply, following for logs). */
    private static final Map<String, Map<String, Opt>> VERB_OPTIONS = Map.ofEntries(
            Map.entry("status", merge(SELECTOR)),
            Map.entry("get", merge(SELECTOR, Map.of("-o", new Opt("output", true), "--output", new Opt("output", true)))),
            Map.entry("describe", merge(SELECTOR)),
            Map.entry("logs", merge(Map.of("-f", new Opt("follow", false), "--follow", new Opt("follow", false),
                    "--tail", new Opt("tail", true), "--limit-bytes", new Opt("limit-bytes", true), "--stderr", new Opt("stderr", false),
                    "-p", new Opt("previous", false), "--previous", new Opt("previous", false)))),
            Map.entry("apply", merge(FILES, DRY_RUN)),
            Map.entry("diff", merge(FILES)),
            Map.entry("delete", merge(FILES, DRY_RUN, Map.of("--ignore-not-found", new Opt("ignore-not-found", false)))),
            Map.entry("start", merge(SELECTOR, TIMEOUT)),
            Map.entry("stop", merge(SELECTOR, TIMEOUT)),
            Map.entry("restart", merge(SELECTOR, TIMEOUT)),
            Map.entry("version", merge(Map.of("--client", new Opt("client", false)))));

    /** --server and the given options. */
    @SafeVarargs
    private static Map<String, Opt> merge(Map<String, Opt>... parts) {
        Map<String, Opt> all = new HashMap<>(SERVER);
        for (Map<String, Opt> part : parts) {
            all.putAll(part);
        }
        return all;
    }

    private CommonCommandLine() {
    }

    /** The verb to run for {@code args}, its root being {@code root}; empty when picocli must read them. */
    static Optional<StewardCli.Verb> parse(StewardCli root, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            VersionCommand flag = new VersionCommand();
            flag.versionFlag = true; // prints what picocli's version provider gives
            return bind(root, flag, null);
        }
        String verb = null;
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        String serverBeforeVerb = null; // the --server value given before the verb
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
            Map<String, Opt> accepted = verb == null ? SERVER : VERB_OPTIONS.get(verb);
            Opt option = accepted == null ? null : accepted.get(name);
            if (option == null) {
                return Optional.empty();
            }
            if (!option.takesValue()) {
                if (value != null || options.put(option.key(), "true") != null) {
                    return Optional.empty(); // picocli says whether --follow=true or a repeated flag is allowed
                }
                continue;
            }
            if (value == null) {
                if (i + 1 == args.length || args[i + 1].startsWith("-") || args[i + 1].startsWith("@")) {
                    return Optional.empty(); // picocli reads "-f @list" as an argument file too
                }
                value = args[++i];
            }
            if (verb == null) {
                serverBeforeVerb = value; // "--server get" or "--server=get"
            }
            if (options.put(option.key(), value) != null) {
                return Optional.empty();
            }
        }
        if (verb == null || !VERB_OPTIONS.containsKey(verb)) {
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
                if (words.isEmpty()) {
                    return Optional.empty(); // KIND [NAME...]: picocli says what is missing
                }
                GetCommand get = new GetCommand();
                get.kind = words.get(0);
                get.names = words.subList(1, words.size());
                get.selector = options.get("selector");
                get.output = options.get("output");
                return Optional.of(get);
            }
            case "describe" -> {
                if (words.isEmpty()) {
                    return Optional.empty();
                }
                DescribeCommand describe = new DescribeCommand();
                describe.kind = words.get(0);
                describe.names = words.subList(1, words.size());
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
                logs.previous = options.containsKey("previous");
                try { // picocli's conversion is Integer.valueOf and Long.valueOf; its defaults are these
                    logs.tail = options.containsKey("tail") ? Integer.parseInt(options.get("tail")) : LogsCommand.TAIL_UNSET;
                    logs.bytes = options.containsKey("limit-bytes") ? Long.parseLong(options.get("limit-bytes")) : -1;
                } catch (NumberFormatException e) {
                    return Optional.empty(); // picocli's message names the option and the value
                }
                return Optional.of(logs);
            }
            case "apply" -> {
                if (!words.isEmpty() || !options.containsKey("filename")) {
                    return Optional.empty(); // picocli says -f is required
                }
                ApplyCommand apply = new ApplyCommand();
                apply.files.add(options.get("filename"));
                apply.recursive = options.containsKey("recursive");
                apply.dryRun = options.containsKey("dry-run");
                return Optional.of(apply);
            }
            case "diff" -> {
                if (!words.isEmpty() || !options.containsKey("filename")) {
                    return Optional.empty(); // picocli says -f is required
                }
                DiffCommand diff = new DiffCommand();
                diff.files.add(options.get("filename"));
                diff.recursive = options.containsKey("recursive");
                return Optional.of(diff);
            }
            case "delete" -> {
                DeleteCommand delete = new DeleteCommand();
                delete.words.addAll(words);
                if (options.containsKey("filename")) {
                    delete.files.add(options.get("filename"));
                }
                delete.recursive = options.containsKey("recursive");
                delete.dryRun = options.containsKey("dry-run");
                delete.ignoreNotFound = options.containsKey("ignore-not-found");
                return Optional.of(delete);
            }
            case "version" -> {
                if (!words.isEmpty()) {
                    return Optional.empty();
                }
                VersionCommand version = new VersionCommand();
                version.clientOnly = options.containsKey("client");
                return Optional.of(version);
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
