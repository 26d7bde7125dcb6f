package dev.steward.api;

import dev.steward.manifest.ManifestError;
import java.util.List;

/** A request the API refuses, carrying the problem to answer with. */
public final class ApiException extends RuntimeException {
    private final transient Problem problem;

    ApiException(Problem problem) {
        super(problem.detail(), null, false, false); // an answer, not a failure: no stack trace needed
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(Problem.of(Problem.Code.BadRequest, detail));
    }

    static ApiException notFound(String detail) {
        return new ApiException(Problem.of(Problem.Code.NotFound, detail));
    }

    static ApiException unavailable(String detail) {
        return new ApiException(Problem.of(Problem.Code.Unavailable, detail));
    }

    static ApiException invalid(String detail, List<ManifestError> errors) {
        return new ApiException(Problem.of(Problem.Code.Invalid, 422, detail,
                errors.stream().map(Problem.FieldError::of).toList()));
    }
}
