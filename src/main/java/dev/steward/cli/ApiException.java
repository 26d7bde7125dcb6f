package dev.steward.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The daemon answered with an error: an {@code application/problem+json} body, or something else. */
public final class ApiException extends CliException {
    private final int status;
    private final String code;
    private final Object body;

    private ApiException(int exitCode, int status, String code, String detail, List<String> details, Object body) {
        super(exitCode, detail, details);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    /** Builds the exception from a status and the response text (problem+json when possible). */
    static ApiException of(int status, String text) {
        Object problem = null;
        try {
            problem = Json.parse(text);
        } catch (IllegalArgumentException notJson) {
            // a proxy's or a framework's own error page: fall through
        }
        Map<String, Object> p = Json.obj(problem);
        String code = Json.str(p, "code");
        String detail = Json.str(p, "detail");
        if (problem == null && status == 414) {
            // The daemon's own HTTP layer refuses a request line over 64 KiB (quarkus.http.limits.max-initial-line-length),
            // empty-bodied, before Steward sees it: an action given thousands of names. Not another server's page.
            return new ApiException(StewardCli.EXIT_USAGE, status, null, "the request is too long for the daemon (HTTP 414:"
                    + " its URL passes the 64 KiB it takes, as thousands of names do); name fewer at a time, or all, a"
                    + " program's name, or -l SELECTOR", List.of(), null);
        }
        if (problem == null) {
            // Not JSON: another server's page (a web server on the port named), or a proxy's whose daemon is down. Its
            // text on one line, what it is not, and where to look; and, as nothing Steward answered, exit 3.
            String page = oneLine(text);
            detail = "the server answered HTTP " + status + " with something other than a Steward daemon's answer"
                    + (page.isEmpty() ? "" : " (" + (page.length() > 200 ? page.substring(0, 200) + "..." : page) + ")")
                    + "; check that --server or STEWARD_SERVER names a Steward daemon, or, through a proxy, that the"
                    + " daemon behind it runs";
            return new ApiException(StewardCli.EXIT_UNREACHABLE, status, null, detail, List.of(), null);
        }
        if (detail == null || detail.isBlank()) {
            String title = Json.str(p, "title");
            detail = "the daemon answered HTTP " + status + (title != null ? " " + title : "");
        }
        List<String> details = new ArrayList<>();
        for (Object error : Json.list(p.get("errors"))) {
            details.add(manifestError(error));
        }
        // A bad selector, signal or query is a usage error; a daemon still starting or shutting down (503) is one
        // that cannot take requests yet, as one that cannot be reached, for scripts that wait and retry; everything
        // else is a failed action.
        int exit = status == 400 ? StewardCli.EXIT_USAGE : status == 503 ? StewardCli.EXIT_UNREACHABLE : StewardCli.EXIT_FAILED;
        return new ApiException(exit, status, code, detail, details, problem);
    }

    /** {@code text} with each run of white space (line breaks too) one space, and none at either end. */
    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A 404 {@code NotFound}, as the daemon answers a name it does not know, for one the client need not ask about. */
    static ApiException notFound(String detail) {
        return new ApiException(StewardCli.EXIT_FAILED, 404, "NotFound", detail, List.of(), null);
    }

    /** One {@code errors[]} entry as {@code file:line:column: field: message}. */
    static String manifestError(Object error) {
        String file = Json.str(error, "file");
        long line = Json.num(error, "line", 0);
        long column = Json.num(error, "column", 0);
        String field = Json.str(error, "field");
        String message = Json.str(error, "message");
        StringBuilder out = new StringBuilder(file == null || file.isBlank() ? "<input>" : file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ");
        if (field != null && !field.isBlank()) {
            out.append(field).append(": ");
        }
        return out.append(message == null ? "invalid" : message).toString();
    }

    public int status() {
        return status;
    }

    /** The problem's stable {@code code} ({@code NotFound}, {@code Invalid}, ...), or null. */
    public String code() {
        return code;
    }

    public Object body() {
        return body;
    }
}
