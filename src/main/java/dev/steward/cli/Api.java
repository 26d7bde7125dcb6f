package dev.steward.cli;

import dev.steward.config.PrivatePlaces;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The daemon's REST API ({@code docs/api.md}) as the CLI uses it. */
public final class Api {
    static final String DEFAULT_ADDRESS = "http://127.0.0.1:9001";

    private final HttpTransport http;
    /** What was looked for when nothing said which daemon, for the "cannot reach" message; or null. */
    private final String fallbackNote;
    /** Which token this client sends, and from where, for the message of a refusal. */
    private final String tokenNote;

    Api(HttpTransport.Endpoint endpoint, String fallbackNote) {
        this(endpoint, fallbackNote, new ClientToken(null, "", null));
    }

    private Api(HttpTransport.Endpoint endpoint, String fallbackNote, ClientToken token) {
        this.http = new HttpTransport(endpoint, 5_000, token.authorization(), token.trustedPeers());
        this.fallbackNote = fallbackNote;
        this.tokenNote = token.note();
    }

    /**
     * The API of the daemon chosen as {@link #resolve} says. Over TCP it sends the daemon's token: STEWARD_TOKEN, else
     * the state directory's token file (the unix socket needs none, and then no file is read).
     */
    static Api of(String flag, Map<String, String> env, Path workingDir) {
        refusePlantedStateDir(env, workingDir);
        HttpTransport.Endpoint endpoint = resolve(flag, env, workingDir);
        boolean defaulted = (flag == null || flag.isBlank()) && (env.get("STEWARD_SERVER") == null || env.get("STEWARD_SERVER").isBlank())
                && !endpoint.isUnix();
        String fallbackNote = defaulted ? "no socket at " + defaultSocket(env, workingDir) + dotEnvNote(env, workingDir) : null;
        Api api = endpoint.isUnix() ? new Api(endpoint, fallbackNote)
                : new Api(endpoint, fallbackNote, ClientToken.of(env, stateDir(env, workingDir), endpoint));
        api.http.answerTimeout(requestTimeoutMillis(env.get("STEWARD_REQUEST_TIMEOUT")));
        return api;
    }

    /**
     * The daemon reads a {@code .env} in its working directory, which may move its state directory, and so its socket;
     * the client does not (another user's file in {@code /tmp} would choose where it sends the token), and says so.
     */
    private static String dotEnvNote(Map<String, String> env, Path workingDir) {
        boolean unset = env.get("STEWARD_STATE_DIR") == null || env.get("STEWARD_STATE_DIR").isBlank();
        return unset && Files.exists(workingDir.resolve(".env")) ? " (the client does not read ./.env: if it sets"
                + " STEWARD_STATE_DIR for the daemon, export that here too, or pass --server)" : "";
    }

    /** How long a request waits for the daemon's answer to begin, as kubectl's --request-timeout; 0: for ever. */
    static final long DEFAULT_REQUEST_TIMEOUT_MILLIS = 60_000;

    /** {@code STEWARD_REQUEST_TIMEOUT}: seconds (fractions allowed), 0 for no limit; unset, the default. */
    static long requestTimeoutMillis(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return DEFAULT_REQUEST_TIMEOUT_MILLIS;
        }
        try {
            double s = Double.parseDouble(seconds.trim());
            if (s >= 0 && s <= 86400) {
                return (long) Math.ceil(s * 1000);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new CliException(StewardCli.EXIT_USAGE, "STEWARD_REQUEST_TIMEOUT must be a number of seconds from 0 (no limit) to"
                + " 86400 (got \"" + seconds + "\"); unset it for the default, " + DEFAULT_REQUEST_TIMEOUT_MILLIS / 1000 + " s");
    }

    /**
     * {@code ./.steward}, the state directory the client takes when STEWARD_STATE_DIR names none, refused where another
     * user may have put it: in a directory every user may write ({@code /tmp}), and not this user's or root's. Its socket
     * would receive what this client sends, manifests included, and its owner would count as the daemon's user, to
     * whom a listener on 127.0.0.1 may be sent STEWARD_TOKEN.
     */
    private static void refusePlantedStateDir(Map<String, String> env, Path workingDir) {
        String named = env.get("STEWARD_STATE_DIR");
        if (named != null && !named.isBlank()) {
            return; // the user's own choice
        }
        Path implicit = workingDir.resolve(".steward");
        if (!Files.exists(implicit, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return; // the common case, one stat, without loading the unix attribute views
        }
        int owner;
        int mode;
        try {
            owner = (Integer) Files.getAttribute(implicit, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            mode = (Integer) Files.getAttribute(workingDir, "unix:mode");
        } catch (IOException | RuntimeException absentOrNotLinux) {
            return; // not Linux
        }
        if ((mode & 0002) != 0 && PrivatePlaces.foreignOwner(owner, PrivatePlaces.Ids.own())) {
            throw new CliException(StewardCli.EXIT_USAGE, implicit.toAbsolutePath().normalize() + " belongs to user id " + owner
                    + ", and every user may write " + workingDir.toAbsolutePath().normalize() + ": another user may have put it"
                    + " there to receive what this client sends, so it is not used; run steward from another directory, or"
                    + " name your daemon's state directory (STEWARD_STATE_DIR) or address (--server)");
        }
    }

    private static Path stateDir(Map<String, String> env, Path workingDir) {
        String stateDir = env.get("STEWARD_STATE_DIR");
        return workingDir.resolve(stateDir != null && !stateDir.isBlank() ? stateDir : ".steward").normalize();
    }

    private static Path defaultSocket(Map<String, String> env, Path workingDir) {
        return stateDir(env, workingDir).resolve("steward.sock");
    }

    /**
     * Which daemon to talk to: {@code --server}, else {@code STEWARD_SERVER}, else the state
     * directory's socket ({@code STEWARD_STATE_DIR} or {@code ./.steward}) when it exists, else
     * {@code http://127.0.0.1:9001}.
     */
    static HttpTransport.Endpoint resolve(String flag, Map<String, String> env, Path workingDir) {
        if (flag != null && !flag.isBlank()) {
            return parseAddress(flag, "--server");
        }
        String fromEnv = env.get("STEWARD_SERVER");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return parseAddress(fromEnv, "STEWARD_SERVER");
        }
        Path socket = defaultSocket(env, workingDir);
        if (Files.exists(socket)) {
            return HttpTransport.Endpoint.unix(socket);
        }
        return parseAddress(DEFAULT_ADDRESS, "the default address");
    }

    /**
     * {@code http://host:port}, {@code host:port}, {@code unix:/path} or a socket path (anything
     * with a slash, or ending in {@code .sock}).
     */
    static HttpTransport.Endpoint parseAddress(String address, String origin) {
        String a = address.trim();
        if (a.startsWith("unix://")) {
            return HttpTransport.Endpoint.unix(Path.of(a.substring("unix://".length())));
        }
        if (a.startsWith("unix:")) {
            return HttpTransport.Endpoint.unix(Path.of(a.substring("unix:".length())));
        }
        if (a.startsWith("https://")) {
            throw new CliException(StewardCli.EXIT_USAGE, origin + ": https is not supported (got " + a + "); use http://HOST:PORT or a unix socket path");
        }
        String hostPort = null;
        if (a.startsWith("http://")) {
            hostPort = a.substring("http://".length());
            int slash = hostPort.indexOf('/');
            if (slash >= 0) {
                hostPort = hostPort.substring(0, slash);
            }
        } else if (!a.contains("/") && !a.endsWith(".sock") && a.matches("\\[?[A-Za-z0-9.:-]*]?:\\d+")) {
            hostPort = a;
        }
        if (hostPort == null) {
            return HttpTransport.Endpoint.unix(Path.of(a));
        }
        String host;
        int port;
        int colon = hostPort.lastIndexOf(':');
        if (hostPort.startsWith("[")) { // [::1]:9001
            int close = hostPort.indexOf(']');
            host = hostPort.substring(1, close);
            colon = hostPort.indexOf(':', close);
        } else {
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        }
        try {
            port = colon < 0 ? 80 : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CliException(StewardCli.EXIT_USAGE, origin + ": bad port in " + a + " (expected http://HOST:PORT or a unix socket path)");
        }
        if (host.isEmpty() || port <= 0 || port > 65535) {
            throw new CliException(StewardCli.EXIT_USAGE, origin + ": bad address " + a + " (expected http://HOST:PORT or a unix socket path)");
        }
        return HttpTransport.Endpoint.tcp(host, port);
    }

    /** A path segment or query value, percent-encoded: a space as %20, since a + in a path is a plus. */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** GET returning parsed JSON; errors become {@link ApiException}, no daemon {@link CliException} (exit 3). */
    Object get(String target) {
        return call("GET", target, null, null);
    }

    /** As {@link #get}, empty when the daemon has no such object (404); other errors are thrown. */
    Optional<Object> getIfFound(String target) {
        try {
            return Optional.ofNullable(get(target));
        } catch (ApiException notFound) {
            if (notFound.status() != 404 && !"NotFound".equals(notFound.code())) {
                throw notFound;
            }
            return Optional.empty();
        }
    }

    Object post(String target, String contentType, byte[] body) {
        return call("POST", target, contentType, body);
    }

    Object delete(String target) {
        return call("DELETE", target, null, null);
    }

    Object call(String method, String target, String contentType, byte[] body) {
        ApiException unnamable = unnamable(target);
        if (unnamable != null) {
            throw unnamable;
        }
        try (HttpTransport.Response response = open(method, target, contentType, body, "application/json")) {
            String text = response.text();
            if (response.status >= 400) {
                throw refusal(response.status, text);
            }
            if (text.isBlank()) {
                return null;
            }
            try {
                return Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CliException(StewardCli.EXIT_FAILED, "the daemon at " + http.endpoint() + " sent something that is not JSON for "
                        + method + " " + target + " (" + e.getMessage() + "); is it a Steward daemon?");
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /** Opens a streaming response; the caller reads and closes it. Error statuses are thrown. */
    HttpTransport.Response stream(String target, String accept) {
        ApiException unnamable = unnamable(target);
        if (unnamable != null) {
            throw unnamable;
        }
        try {
            HttpTransport.Response response = open("GET", target, null, null, accept);
            if (response.status >= 400) {
                throw refusal(response.status, response.text());
            }
            return response;
        } catch (IOException e) {
            throw failure(e);
        }
    }

    /**
     * The daemon's answer to a name that no program or process can have and that its HTTP server would not see as a name:
     * {@code ""}, {@code "."} and {@code ".."} (the server removes dot segments, even written {@code %2E}, so
     * {@code /programs/.} is the list {@code /programs/}, and {@code /programs/..} no resource at all). Null for any other
     * target. Without it, {@code get process ""} (an unset shell variable) printed the list's stack trace, {@code status ""}
     * called it a program with 0 replicas and exited 0, and {@code rollout status program .} said it rolled out.
     */
    static ApiException unnamable(String target) {
        // "/programs/NAME", "/processes/NAME/logs?...": the segment after the collection's
        int slash = target.indexOf('/', 1);
        if (slash < 0 || !(target.startsWith("/programs/") || target.startsWith("/processes/"))) {
            return null;
        }
        int end = slash + 1;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String name = target.substring(slash + 1, end);
        if (!name.isEmpty() && !name.equals(".") && !name.equals("..")) {
            return null;
        }
        String collection = target.substring(1, slash);
        return ApiException.notFound("no " + (collection.equals("programs") ? "program" : "process") + " named \"" + name
                + "\"; run `steward get " + collection + "` to list them");
    }

    private HttpTransport.Response open(String method, String target, String contentType, byte[] body, String accept) throws IOException {
        return http.send(method, "/api/v1" + target, contentType, body, accept);
    }

    /** The daemon's error answer; a refused token also says what this client sent. */
    private CliException refusal(int status, String text) {
        ApiException refused = ApiException.of(status, text);
        if (status != 401) {
            return refused;
        }
        return new CliException(StewardCli.EXIT_FAILED, refused.getMessage() + " (" + tokenNote + ")");
    }

    CliException failure(IOException e) {
        if (e instanceof HttpTransport.NoAnswerException) {
            HttpTransport.NoAnswerException none = (HttpTransport.NoAnswerException) e;
            return new CliException(StewardCli.EXIT_UNREACHABLE, "the Steward daemon at " + http.endpoint() + " took the request"
                    + " but sent no answer " + (none.probed ? "to it, nor to another request within " : "within ")
                    + ActionCommands.seconds(none.millis / 1000.0) + " s: it is stuck or"
                    + " overloaded; its own output (where bin/steward serve runs) may say why, and kill -QUIT PID (its pid"
                    + " is in the state directory's steward.lock) prints its threads there. STEWARD_REQUEST_TIMEOUT=SECONDS"
                    + " waits longer (0: for ever)");
        }
        if (e instanceof HttpTransport.UntrustedListenerException) {
            return new CliException(StewardCli.EXIT_UNREACHABLE, e.getMessage());
        }
        if (e instanceof HttpTransport.UnreachableException) {
            return unreachable(http.endpoint(), e.getMessage() + (fallbackNote == null ? "" : "; " + fallbackNote));
        }
        return new CliException(StewardCli.EXIT_UNREACHABLE, "lost the connection to the Steward daemon at " + http.endpoint() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    static CliException unreachable(HttpTransport.Endpoint endpoint, String reason) {
        return new CliException(StewardCli.EXIT_UNREACHABLE, "cannot reach the Steward daemon at " + endpoint + " (" + reason + ")."
                + " Is it running? Start it with `bin/steward serve`, or point --server or STEWARD_SERVER at it"
                + " (a unix socket path or http://HOST:PORT).");
    }
}
