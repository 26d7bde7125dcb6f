package dev.steward;

import dev.steward.daemon.ConfigFiles;
import io.netty.channel.epoll.Epoll;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/** {@code steward serve}: run the daemon in the foreground. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the daemon in the foreground: watch the manifest directory and supervise its programs.")
final class ServeCommand {
    /** Longest path a unix socket address holds (sun_path is 108 bytes with its terminating NUL). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    @Option(names = "--manifests", paramLabel = "DIR", description = "Watched manifest directory (default ./manifests, env STEWARD_MANIFESTS).")
    Path manifests;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "State directory: logs, lock, unix socket steward.sock (default ./.steward, env STEWARD_STATE_DIR).")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "HTTP address (default 127.0.0.1:9001, env STEWARD_LISTEN; port 0 picks a free one).")
    String listen;

    @Option(names = "--cds-training", hidden = true,
            description = "Run once in a temporary directory and exit (bin/steward records this run into a class-data archive).")
    boolean cdsTraining;

    private static final Set<String> VALUE_OPTIONS = Set.of("--manifests", "--state-dir", "--listen");

    /**
     * The usual command line ({@code serve} and these options, each at most once, as {@code --opt value}
     * or {@code --opt=value}) read without picocli, whose command model costs 70 ms of a cold start's
     * critical path. Anything else (help, an unknown or repeated option, a missing value) gives empty,
     * and picocli parses it and explains.
     */
    static Optional<ServeCommand> parseCommon(String... args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            return Optional.empty();
        }
        ServeCommand serve = new ServeCommand();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            String value = null;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!seen.add(name)) {
                return Optional.empty();
            }
            if (name.equals("--cds-training") && value == null) {
                serve.cdsTraining = true;
                continue;
            }
            if (!VALUE_OPTIONS.contains(name)) {
                return Optional.empty();
            }
            if (value == null) {
                if (i + 1 == args.length || args[i + 1].startsWith("-")) {
                    return Optional.empty();
                }
                value = args[++i];
            }
            switch (name) {
                case "--manifests" -> serve.manifests = Path.of(value);
                case "--state-dir" -> serve.stateDir = Path.of(value);
                default -> serve.listen = value;
            }
        }
        return Optional.of(serve);
    }

    /** Points the daemon at the training run's own directories instead of the user's. */
    void train(DaemonTraining training) {
        manifests = training.manifests();
        stateDir = training.stateDir();
        listen = "127.0.0.1:0";
    }

    /** Flags win over the environment, which wins over the working directory's files, then application.properties. */
    void exportAsConfiguration(ConfigFiles files) {
        if (manifests != null) {
            System.setProperty("steward.manifests", manifests.toString());
        }
        if (stateDir != null) {
            System.setProperty("steward.state-dir", stateDir.toString());
        }
        String address = listen != null ? listen : System.getenv("STEWARD_LISTEN");
        if (address == null) {
            address = files.get("STEWARD_LISTEN").orElse(null);
        }
        if (address != null) {
            String[] hostAndPort = hostAndPort(address, listenSource(files));
            System.setProperty("quarkus.http.host", hostAndPort[0]);
            System.setProperty("quarkus.http.port", hostAndPort[1]);
        }
    }

    /**
     * Starts checking the HTTP address the daemon will listen on, as Quarkus will read it: {@code --listen} and
     * {@code STEWARD_LISTEN} (system properties by now), {@code QUARKUS_HTTP_HOST}/{@code _PORT}, else the jar's
     * {@code application.properties}. A port that is not a number is left to Quarkus, which names it; so is an address
     * with a {@code ${...}} expression ({@code quarkus.http.port=${PORT:9001}}), which Quarkus expands and this does not.
     */
    ListenCheck checkListen(Properties defaults, ConfigFiles files) {
        String source = listenSource(files);
        String host = setting("quarkus.http.host", "QUARKUS_HTTP_HOST", files, defaults);
        String port = setting("quarkus.http.port", "QUARKUS_HTTP_PORT", files, defaults);
        if (host.contains("${") || port.contains("${")) {
            return ListenCheck.start(host, 0, source);
        }
        try {
            return ListenCheck.start(host, Integer.parseInt(port), source);
        } catch (NumberFormatException e) {
            return ListenCheck.start(host, 0, source);
        }
    }

    /** What set the HTTP address, for a message about it: the first of the places {@link #setting} looks in. */
    private String listenSource(ConfigFiles files) {
        if (listen != null) {
            return "--listen";
        }
        if (System.getenv("STEWARD_LISTEN") != null) {
            return "STEWARD_LISTEN";
        }
        if (files.asWritten("STEWARD_LISTEN").isPresent()) {
            return "STEWARD_LISTEN (.env)";
        }
        if (System.getProperty("quarkus.http.host") != null || System.getProperty("quarkus.http.port") != null) {
            return "quarkus.http.host/port";
        }
        if (System.getenv("QUARKUS_HTTP_HOST") != null || System.getenv("QUARKUS_HTTP_PORT") != null) {
            return "QUARKUS_HTTP_HOST/PORT";
        }
        if (files.asWritten("quarkus.http.host").isPresent() || files.asWritten("quarkus.http.port").isPresent()) {
            return "quarkus.http.host/port (.env or config/application.properties)";
        }
        return "the default; set --listen or STEWARD_LISTEN";
    }

    private static String setting(String property, String variable, ConfigFiles files, Properties defaults) {
        String value = System.getProperty(property);
        if (value == null) {
            value = System.getenv(variable);
        }
        if (value == null) {
            value = files.asWritten(property).orElse(null);
        }
        return value != null ? value : defaults.getProperty(property, "");
    }

    /**
     * Splits HOST:PORT, checked here, before any program starts: a port Quarkus rejects would only be found
     * once every program had been spawned, and had to be stopped again.
     */
    static String[] hostAndPort(String address, String source) {
        int colon = address.lastIndexOf(':');
        String port = colon < 0 ? "" : address.substring(colon + 1);
        boolean valid = colon > 0 && !port.isEmpty() && port.length() <= 5;
        for (int i = 0; valid && i < port.length(); i++) { // a loop, not a lambda: the first lambda costs start-up time
            valid = port.charAt(i) >= '0' && port.charAt(i) <= '9';
        }
        if (!valid || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException(source + " must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:9001"
                    + " (got " + address + ")");
        }
        return new String[] {address.substring(0, colon), port};
    }

    /**
     * The unix socket lives in the effective state directory (the engine's, however it was set), as an
     * absolute path so that logs and the CLI name one place. A path too long for a unix socket, or a
     * platform without Netty's native epoll ({@link #disableSocketWithoutEpoll}), disables the socket rather
     * than the daemon: --listen still serves everything.
     */
    static void exportSocketPath(Path stateDir) {
        if (System.getProperty("quarkus.http.domain-socket") != null) {
            return; // set explicitly with -D (STEWARD_JAVA_OPTS)
        }
        Path socket = stateDir.resolve("steward.sock").toAbsolutePath().normalize();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            System.err.println("steward: not listening on a unix socket: " + socket + " is longer than "
                    + MAX_SOCKET_PATH_BYTES + " bytes; use a shorter --state-dir");
            System.setProperty("quarkus.http.domain-socket-enabled", "false");
            return;
        }
        System.setProperty("quarkus.http.domain-socket", socket.toString());
    }

    /**
     * Vert.x binds unix sockets only with Netty's native epoll transport; without it the whole start would
     * fail, so the socket is switched off instead. Loading the transport takes a fifth of a second, so this
     * runs after the engine's first pass, with the rest of the HTTP side.
     */
    static void disableSocketWithoutEpoll() {
        if ("false".equals(System.getProperty("quarkus.http.domain-socket-enabled")) || Epoll.isAvailable()) {
            return;
        }
        System.err.println("steward: not listening on a unix socket: the native epoll transport is unavailable ("
                + Epoll.unavailabilityCause().getMessage() + "); the API is on --listen only");
        System.setProperty("quarkus.http.domain-socket-enabled", "false");
    }
}
