package dev.holon.support.problem;

import dev.holon.contracts.problem.ProblemType;

/**
 * Thrown by service code for a user's mistake or a conflict; becomes an {@code application/problem+json}
 * answer with the type's status. The detail is shown to the caller, so it must say what to do next and
 * never carry internals.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;

    public ProblemException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public ProblemType type() {
        return type;
    }

    public static ProblemException notFound(String kind, String id) {
        return new ProblemException(ProblemType.NOT_FOUND, "no " + kind + " with id '" + id + "'");
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(ProblemType.CONFLICT, detail);
    }

    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(ProblemType.PRECONDITION_FAILED, detail);
    }

    public static ProblemException invalid(String detail) {
        return new ProblemException(ProblemType.VALIDATION, detail);
    }
}
