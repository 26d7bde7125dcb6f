package dev.steward.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.steward.control.ActionResult;
import dev.steward.manifest.ManifestError;
import java.util.List;

/**
 * An error response ({@code application/problem+json}, RFC 9457) with the stable {@code code} the CLI
 * switches on. {@code detail} always says what to do next.
 *
 * @param errors manifest errors, for {@code Invalid}; empty otherwise
 * @param items  per-process results, only for {@code Timeout}
 * @param ok     always false, only for {@code Timeout} (so the body reads like an action response)
 */
public record Problem(String type, String title, int status, String code, String detail, List<FieldError> errors,
                      @JsonInclude(JsonInclude.Include.NON_NULL) List<ActionResult> items,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean ok) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One manifest error, pointing at the place to fix. */
    public record FieldError(String file, int line, int column, String field, String message) {
        static FieldError of(ManifestError error) {
            return new FieldError(error.file().toString(), error.line(), error.column(), error.field(),
                    error.message());
        }
    }

    /** The stable codes, with their HTTP status and title. */
    public enum Code {
        NotFound(404, "Not Found"),
        Invalid(422, "Invalid"),
        BadRequest(400, "Bad Request"),
        Unauthorized(401, "Unauthorized"),
        Forbidden(403, "Forbidden"),
        MethodNotAllowed(405, "Method Not Allowed"),
        NotAcceptable(406, "Not Acceptable"),
        Conflict(409, "Conflict"),
        TooLarge(413, "Content Too Large"),
        Timeout(504, "Timeout"),
        Unavailable(503, "Service Unavailable"),
        CannotWrite(500, "Cannot Write Manifests"),
        Internal(500, "Internal Server Error");

        final int status;
        final String title;

        Code(int status, String title) {
            this.status = status;
            this.title = title;
        }

        /** {@code https://steward.dev/problems/not-found}, ... */
        String type() {
            return "https://steward.dev/problems/" + name().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
        }
    }

    static Problem of(Code code, int status, String detail, List<FieldError> errors) {
        return new Problem(code.type(), code.title, status, code.name(), detail, List.copyOf(errors), null, null);
    }

    static Problem of(Code code, String detail) {
        return of(code, code.status, detail, List.of());
    }
}
