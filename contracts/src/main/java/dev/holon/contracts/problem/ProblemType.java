package dev.holon.contracts.problem;

/**
 * The kinds of problem any Holon API answers with, as RFC 9457 {@code type} URIs.
 * Clients switch on {@link #uri()}; the title is the short human summary.
 */
public enum ProblemType {
    VALIDATION("/problems/validation", "Request is not valid", 400),
    UNAUTHORIZED("/problems/unauthorized", "Authentication required", 401),
    FORBIDDEN("/problems/forbidden", "Not allowed", 403),
    NOT_FOUND("/problems/not-found", "Not found", 404),
    METHOD_NOT_ALLOWED("/problems/method-not-allowed", "Method not allowed", 405),
    NOT_ACCEPTABLE("/problems/not-acceptable", "Not acceptable", 406),
    CONFLICT("/problems/conflict", "Conflict", 409),
    PRECONDITION_FAILED("/problems/precondition-failed", "Precondition failed", 412),
    PAYLOAD_TOO_LARGE("/problems/payload-too-large", "Payload too large", 413),
    UNSUPPORTED_MEDIA_TYPE("/problems/unsupported-media-type", "Unsupported media type", 415),
    RANGE_NOT_SATISFIABLE("/problems/range-not-satisfiable", "Range not satisfiable", 416),
    UNPROCESSABLE("/problems/unprocessable", "Request can never be satisfied", 422),
    PRECONDITION_REQUIRED("/problems/precondition-required", "Precondition required", 428),
    RATE_LIMITED("/problems/rate-limited", "Too many requests", 429),
    QUOTA_EXCEEDED("/problems/quota-exceeded", "Quota exceeded", 403),
    INTERNAL("/problems/internal", "Internal error", 500),
    UNAVAILABLE("/problems/unavailable", "Service unavailable", 503);

    private final String uri;
    private final String title;
    private final int status;

    ProblemType(String uri, String title, int status) {
        this.uri = uri;
        this.title = title;
        this.status = status;
    }

    public String uri() {
        return uri;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }

    /** The default type for a bare HTTP status, for errors raised by the framework rather than by Holon code. */
    public static ProblemType forStatus(int status) {
        for (ProblemType type : values()) {
            if (type.status == status && type != QUOTA_EXCEEDED) {
                return type;
            }
        }
        return status >= 500 ? INTERNAL : VALIDATION;
    }
}
