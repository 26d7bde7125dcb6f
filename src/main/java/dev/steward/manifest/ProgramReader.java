package dev.steward.manifest;

import dev.steward.manifest.LogsSpec.StreamLogSpec;
import dev.steward.manifest.NodeReader.Fields;
import dev.steward.supervise.Signals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one YAML document of kind Program into a {@link ProgramSpec}, recording every problem in a
 * {@link NodeReader}.
 */
final class ProgramReader {

    static final String API_VERSION = "steward.dev/v1";
    static final String KIND = "Program";

    private static final List<String> TOP = List.of("apiVersion", "kind", "metadata", "spec");
    private static final List<String> METADATA = List.of("name", "labels");
    private static final List<String> SPEC = List.of("command", "directory", "environment", "user", "umask",
            "replicas", "autostart", "restartPolicy", "restartBackoff", "exitCodes", "startSeconds", "startRetries",
            "stopSignal", "stopTimeoutSeconds", "stopAsGroup", "killAsGroup", "priority", "logs");
    private static final List<String> LOGS = List.of("stdout", "stderr", "redirectStderr");
    private static final List<String> STREAM = List.of("file", "maxBytes", "backups");
    /** One set for every program that does not list its exit codes. */
    private static final Set<Integer> DEFAULT_EXIT_CODES = Set.of(0);
    private static final List<String> RESTART_BACKOFF = List.of("initialSeconds", "maxSeconds", "resetSeconds");

    // Fields written at the wrong level get "it belongs under ..." instead of a spelling guess.
    private static final Map<String, String> MISPLACED_AT_TOP = belongUnder(Map.of("metadata", METADATA, "spec", SPEC));
    private static final Map<String, String> MISPLACED_IN_METADATA = belongUnder(Map.of("spec", SPEC));
    private static final Map<String, String> MISPLACED_IN_SPEC =
            belongUnder(Map.of("metadata", METADATA, "spec.logs", LOGS, "spec.restartBackoff", RESTART_BACKOFF));

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern OCTAL = Pattern.compile("(0o)?[0-7]{1,4}");
    private static final String COMMAND_EXAMPLE = "[\"python3\", \"-m\", \"http.server\"]";

    /**
     * What one document gave.
     *
     * @param spec     the program, only when the document had no error
     * @param name     the program name when it was readable, so that duplicates are found even in broken documents
     * @param nameNode where the name was written
     * @param ours     whether the document says {@code apiVersion: steward.dev/v1} and {@code kind: Program}: a broken
     *                 one still names a program of ours, another kind's name does not
     */
    record Result(Optional<ProgramSpec> spec, Optional<String> name, Optional<Node> nameNode, boolean ours) {
    }

    private final NodeReader reader;

    ProgramReader(NodeReader reader) {
        this.reader = reader;
    }

    Result read(Node document) {
        int errorsBefore = reader.errors().size();
        Optional<Fields> top = reader.fields(document, "", TOP, MISPLACED_AT_TOP);
        if (top.isEmpty()) {
            return new Result(Optional.empty(), Optional.empty(), Optional.empty(), false);
        }
        Optional<String> apiVersion = required(top.get(), "apiVersion", "apiVersion: " + API_VERSION)
                .flatMap(node -> reader.text(node, "apiVersion"));
        apiVersion.filter(value -> !value.equals(API_VERSION))
                .ifPresent(value -> reader.error(top.get().get("apiVersion").orElseThrow(), "apiVersion",
                        "must be " + API_VERSION + " (got \"" + value + "\")"));
        Optional<String> kind = required(top.get(), "kind", "kind: " + KIND).flatMap(node -> reader.text(node, "kind"));
        kind.filter(value -> !value.equals(KIND))
                .ifPresent(value -> reader.error(top.get().get("kind").orElseThrow(), "kind",
                        "must be " + KIND + " (got \"" + value + "\")"));

        Optional<Fields> metadata = required(top.get(), "metadata", "metadata: {name: web}")
                .flatMap(node -> reader.fields(node, "metadata", METADATA, MISPLACED_IN_METADATA));
        Optional<Node> nameNode = metadata.flatMap(fields -> required(fields, "name", "name: web"));
        Optional<String> name = nameNode.flatMap(node -> reader.text(node, "metadata.name")).filter(
                value -> validName(nameNode.get(), value));
        Map<String, String> labels = metadata.flatMap(fields -> fields.get("labels"))
                .flatMap(node -> reader.textMap(node, "metadata.labels", "{tier: frontend}",
                        key -> key.isEmpty() ? "label names must not be empty" : null))
                .orElse(Map.of());

        Optional<ProgramSpec> spec = required(top.get(), "spec", "spec: {command: " + COMMAND_EXAMPLE + "}")
                .flatMap(node -> reader.fields(node, "spec", SPEC, MISPLACED_IN_SPEC))
                .map(fields -> spec(name.orElse(""), labels, fields));
        boolean clean = reader.errors().size() == errorsBefore;
        boolean ours = apiVersion.filter(API_VERSION::equals).isPresent() && kind.filter(KIND::equals).isPresent();
        return new Result(clean ? spec : Optional.empty(), name, nameNode, ours);
    }

    private ProgramSpec spec(String name, Map<String, String> labels, Fields spec) {
        List<String> command = required(spec, "command", "command: " + COMMAND_EXAMPLE)
                .flatMap(node -> command(node, spec.path("command"))).orElse(List.of());
        Optional<String> directory = spec.get("directory").flatMap(node -> reader.nonEmptyText(node,
                spec.path("directory"), "remove the field to use the daemon's working directory")
                .map(d -> checked(node, spec.path("directory"), d)));
        Map<String, String> environment = spec.get("environment").flatMap(node -> reader.textMap(node,
                spec.path("environment"), "{PORT: \"8080\"}", ProgramReader::envNameProblem,
                ProgramReader::expansionProblem)).orElse(Map.of());
        Optional<String> user = spec.get("user").flatMap(node -> reader.nonEmptyText(node, spec.path("user"),
                "remove the field to run as the daemon's user"));
        Optional<Integer> umask = spec.get("umask").flatMap(node -> umask(node, spec.path("umask")));
        int replicas = integer(spec, "replicas", 0, ProgramSpec.MAX_REPLICAS, 1);
        boolean autostart = bool(spec, "autostart", () -> true);
        RestartPolicy restartPolicy = spec.get("restartPolicy")
                .flatMap(node -> restartPolicy(node, spec.path("restartPolicy"))).orElse(RestartPolicy.OnFailure);
        Optional<RestartBackoff> restartBackoff = spec.get("restartBackoff")
                .flatMap(node -> restartBackoff(node, spec.path("restartBackoff")));
        Set<Integer> exitCodes = spec.get("exitCodes").flatMap(node -> exitCodes(node, spec.path("exitCodes")))
                .orElse(DEFAULT_EXIT_CODES);
        int startSeconds = integer(spec, "startSeconds", 0, Integer.MAX_VALUE, 1);
        int startRetries = integer(spec, "startRetries", 0, Integer.MAX_VALUE, 3);
        int stopSignal = spec.get("stopSignal").flatMap(node -> signal(node, spec.path("stopSignal"))).orElse(15);
        int stopTimeoutSeconds = integer(spec, "stopTimeoutSeconds", 0, Integer.MAX_VALUE, 10);
        boolean stopAsGroup = bool(spec, "stopAsGroup", () -> false);
        // Supervisor's killasgroup follows stopasgroup: a group stopped as a group is killed as one too.
        boolean killAsGroup = bool(spec, "killAsGroup", () -> stopAsGroup);
        int priority = integer(spec, "priority", Integer.MIN_VALUE, Integer.MAX_VALUE, 999);
        LogsSpec logs = spec.get("logs").flatMap(node -> logs(node, spec.path("logs"))).orElse(LogsSpec.defaults());
        return new ProgramSpec(name, labels, command, directory, environment, user, umask, replicas, autostart,
                restartPolicy, restartBackoff, exitCodes, startSeconds, startRetries, stopSignal, stopTimeoutSeconds,
                stopAsGroup, killAsGroup, priority, logs);
    }

    private Optional<Node> required(Fields fields, String name, String example) {
        Optional<Node> node = fields.get(name);
        if (node.isEmpty()) {
            reader.error(fields.node(), fields.path(name), "is required; add it, e.g. " + example);
        }
        return node;
    }

    private int integer(Fields fields, String name, int min, int max, int fallback) {
        return fields.get(name).flatMap(node -> reader.integer(node, fields.path(name), min, max)).orElse(fallback);
    }

    private boolean bool(Fields fields, String name, Supplier<Boolean> fallback) {
        return fields.get(name).flatMap(node -> reader.bool(node, fields.path(name))).orElseGet(fallback);
    }

    private boolean validName(Node node, String name) {
        if (name.length() <= 63 && DNS_LABEL.matcher(name).matches()) {
            return true;
        }
        String suggestion = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        suggestion = suggestion.substring(0, Math.min(63, suggestion.length())).replaceAll("-+$", "");
        reader.error(node, "metadata.name", "must be a DNS label: at most 63 lowercase letters, digits and '-',"
                + " starting and ending with a letter or digit (got \"" + name + "\")"
                + (suggestion.isEmpty() ? "" : "; try \"" + suggestion + "\""));
        return false;
    }

    /** A list is argv as is; a string is split like a shell would, without running one. */
    private Optional<List<String>> command(Node node, String field) {
        List<String> argv = new ArrayList<>();
        if (node instanceof SequenceNode) {
            List<Node> items = ((SequenceNode) node).getValue();
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String itemField = field + "[" + i + "]";
                reader.text(item, itemField).map(arg -> checked(item, itemField, arg)).ifPresent(argv::add);
            }
            if (argv.size() != items.size()) {
                return Optional.empty();
            }
        } else if (node instanceof ScalarNode && !Tag.NULL.equals(node.getTag())) {
            Optional<String> line = reader.text(node, field);
            if (line.isEmpty()) {
                return Optional.empty();
            }
            try {
                argv.addAll(ShellWords.split(line.get()));
            } catch (IllegalArgumentException e) {
                reader.error(node, field, e.getMessage());
                return Optional.empty();
            }
            boolean template = Expansions.inValue(line.get());
            for (String word : argv) {
                template |= Expansions.inValue(word); // also where quotes split %( in the line: %"(name)s"
            }
            if (template) {
                // supervisord expands the whole line, then splits it: so every word is its template, and a word's %%
                // is a percent sign even where the word names nothing; each word is expanded at the start, after the split
                for (int i = 0; i < argv.size(); i++) {
                    Optional<String> problem = Expansions.problem(argv.get(i));
                    if (problem.isPresent()) {
                        reader.error(node, field, problem.get());
                        return Optional.empty();
                    }
                    if (!Expansions.inValue(argv.get(i))) {
                        argv.set(i, Expansions.literal(argv.get(i)));
                    }
                }
            }
        } else {
            reader.error(node, field, "must be a list of arguments such as " + COMMAND_EXAMPLE
                    + " or a command line such as \"python3 -m http.server\" (got " + NodeReader.describe(node) + ")");
            return Optional.empty();
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            reader.error(node, argv.isEmpty() ? field : field + "[0]",
                    "must name the program to run, e.g. " + COMMAND_EXAMPLE);
            return Optional.empty();
        }
        return Optional.of(argv);
    }

    /** A command argument or the directory, its supervisord expansions checked here; the value as it is. */
    private String checked(Node node, String field, String value) {
        String problem = expansionProblem(value);
        if (problem != null) {
            reader.error(node, field, problem);
        }
        return value;
    }

    /**
     * Only checked, never expanded here: a value is expanded when its process starts ({@code %(here)s} to the watched
     * directory), so a body the API has yet to write, or a file a client reads from elsewhere, is checked alike.
     */
    private static String expansionProblem(String value) {
        return Expansions.inValue(value) ? Expansions.problem(value).orElse(null) : null;
    }

    /** Octal, as in {@code umask 022}; a YAML integer such as 22 is read as the octal digits it shows. */
    private Optional<Integer> umask(Node node, String field) {
        if (node instanceof ScalarNode && (Tag.STR.equals(node.getTag()) || Tag.INT.equals(node.getTag()))) {
            String text = ((ScalarNode) node).getValue();
            if (OCTAL.matcher(text).matches()) {
                int value = Integer.parseInt(text.startsWith("0o") ? text.substring(2) : text, 8);
                if (value <= 0777) {
                    return Optional.of(value);
                }
            }
        }
        reader.error(node, field, "must be an octal number from 000 to 777, such as \"022\" (got "
                + NodeReader.describe(node) + ")");
        return Optional.empty();
    }

    private Optional<RestartPolicy> restartPolicy(Node node, String field) {
        Optional<String> text = reader.text(node, field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String accepted = Arrays.stream(RestartPolicy.values()).map(Enum::name).collect(Collectors.joining(", "));
        for (RestartPolicy policy : RestartPolicy.values()) {
            if (policy.name().equals(text.get())) {
                return Optional.of(policy);
            }
        }
        String hint = Arrays.stream(RestartPolicy.values()).map(Enum::name)
                .filter(name -> name.equalsIgnoreCase(text.get())).findFirst()
                .map(name -> "; did you mean \"" + name + "\"?").orElse(supervisorHint(text.get()));
        reader.error(node, field, "must be one of " + accepted + " (got \"" + text.get() + "\")" + hint);
        return Optional.empty();
    }

    /** supervisord's autorestart values, which a configuration moved over carries: what to write instead. */
    private static String supervisorHint(String value) {
        String policy = value.equalsIgnoreCase("true") ? "Always"
                : value.equalsIgnoreCase("unexpected") ? "OnFailure"
                : value.equalsIgnoreCase("false") ? "Never" : null;
        return policy == null ? "" : "; supervisord's autorestart=" + value.toLowerCase(Locale.ROOT) + " is restartPolicy: "
                + policy;
    }

    /**
     * Each field from 1 second, Kubernetes' values for those left out; {@code {}} takes them all. A bound left out yields
     * to the other one written ({@code {initialSeconds: 600}} waits 600 s each time, not an error over the default 300 s
     * maximum nobody wrote); two written must agree.
     */
    private Optional<RestartBackoff> restartBackoff(Node node, String field) {
        if (!(node instanceof MappingNode)) {
            // `restartBackoff: true` (or `false`, or nothing) reads as a switch: say how to turn it on, or off.
            reader.error(node, field, "must be a mapping of fields such as " + String.join(", ", RESTART_BACKOFF) + " (got "
                    + NodeReader.describe(node) + "); write `restartBackoff: {}` for Kubernetes' defaults, or remove the field");
            return Optional.empty();
        }
        Optional<Fields> fields = reader.fields(node, field, RESTART_BACKOFF, Map.of());
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        int errorsBefore = reader.errors().size();
        RestartBackoff defaults = RestartBackoff.DEFAULTS;
        Optional<Node> initialNode = fields.get().get("initialSeconds");
        Optional<Node> maxNode = fields.get().get("maxSeconds");
        int initial = integer(fields.get(), "initialSeconds", 1, Integer.MAX_VALUE, defaults.initialSeconds());
        int max = integer(fields.get(), "maxSeconds", 1, Integer.MAX_VALUE, defaults.maxSeconds());
        int reset = integer(fields.get(), "resetSeconds", 1, Integer.MAX_VALUE, defaults.resetSeconds());
        if (maxNode.isEmpty()) {
            max = Math.max(max, initial);
        } else if (initialNode.isEmpty()) {
            initial = Math.min(initial, max);
        } else if (reader.errors().size() == errorsBefore && initial > max) {
            reader.error(initialNode.get(), fields.get().path("initialSeconds"), "must not exceed maxSeconds, " + max
                    + " (got " + initial + "); lower initialSeconds or raise maxSeconds");
        }
        return Optional.of(new RestartBackoff(initial, max, reset));
    }

    private Optional<Set<Integer>> exitCodes(Node node, String field) {
        Optional<List<Node>> items = reader.list(node, field, "[0, 2]");
        if (items.isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> codes = new LinkedHashSet<>();
        for (int i = 0; i < items.get().size(); i++) {
            reader.integer(items.get().get(i), field + "[" + i + "]", 0, 255).ifPresent(codes::add);
        }
        return Optional.of(codes);
    }

    private Optional<Integer> signal(Node node, String field) {
        Optional<String> text = reader.text(node, field);
        try {
            return text.map(Signals::parse);
        } catch (IllegalArgumentException e) {
            reader.error(node, field, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<LogsSpec> logs(Node node, String field) {
        Optional<Fields> logs = reader.fields(node, field, LOGS, Map.of());
        if (logs.isEmpty()) {
            return Optional.empty();
        }
        StreamLogSpec stdout = logs.get().get("stdout").flatMap(n -> stream(n, logs.get().path("stdout")))
                .orElse(StreamLogSpec.defaults());
        StreamLogSpec stderr = logs.get().get("stderr").flatMap(n -> stream(n, logs.get().path("stderr")))
                .orElse(StreamLogSpec.defaults());
        boolean redirectStderr = bool(logs.get(), "redirectStderr", () -> false);
        return Optional.of(new LogsSpec(stdout, stderr, redirectStderr));
    }

    private Optional<StreamLogSpec> stream(Node node, String field) {
        Optional<Fields> stream = reader.fields(node, field, STREAM, Map.of());
        if (stream.isEmpty()) {
            return Optional.empty();
        }
        String file = stream.get().get("file")
                .flatMap(n -> reader.nonEmptyText(n, stream.get().path("file"), "use AUTO, NONE or a path"))
                .map(ProgramReader::logFile).orElse(StreamLogSpec.AUTO);
        if (Expansions.inLogPath(file)) {
            Expansions.problem(file).ifPresent(problem ->
                    reader.error(stream.get().get("file").orElseThrow(), stream.get().path("file"), problem));
        }
        long maxBytes = stream.get().get("maxBytes").flatMap(n -> byteSize(n, stream.get().path("maxBytes")))
                .orElse(StreamLogSpec.DEFAULT_MAX_BYTES);
        int backups = integer(stream.get(), "backups", 0, Integer.MAX_VALUE, StreamLogSpec.DEFAULT_BACKUPS);
        return Optional.of(new StreamLogSpec(file, maxBytes, backups));
    }

    /** AUTO and NONE are keywords in any case, as in Supervisor; anything else is a path. */
    private static String logFile(String text) {
        if (text.equalsIgnoreCase(StreamLogSpec.AUTO)) {
            return StreamLogSpec.AUTO;
        }
        return text.equalsIgnoreCase(StreamLogSpec.NONE) ? StreamLogSpec.NONE : text;
    }

    private Optional<Long> byteSize(Node node, String field) {
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag())) {
            return reader.nonNegativeLong(node, field);
        }
        if (node instanceof ScalarNode && Tag.STR.equals(node.getTag())) {
            try {
                return Optional.of(Quantity.parseBytes(((ScalarNode) node).getValue()));
            } catch (IllegalArgumentException e) {
                reader.error(node, field, e.getMessage());
                return Optional.empty();
            }
        }
        reader.error(node, field, "must be a byte size such as 50Mi or 1048576 (got " + NodeReader.describe(node)
                + ")");
        return Optional.empty();
    }

    private static String envNameProblem(String name) {
        if (EnvironmentNames.isShellName(name)) {
            return null;
        }
        if (name.indexOf('=') > 0) { // not shown whole: what follows the = may be a password
            return "is a name and a value in one, as supervisord writes them (NAME=value, not shown here: it may be a"
                    + " password); write each variable as NAME: value, as in {PORT: \"8080\"}";
        }
        return "is not a valid environment variable name; use letters, digits and '_', not starting with a digit";
    }

    private static Map<String, String> belongUnder(Map<String, List<String>> fieldsByParent) {
        Map<String, String> parents = new HashMap<>();
        fieldsByParent.forEach((parent, fields) -> fields.forEach(field -> parents.put(field, parent)));
        return parents;
    }
}
