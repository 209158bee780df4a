package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem the gateway itself answers with (the downstream services write their own).
 *
 * @param type              the kind of problem; gives type, title and status
 * @param detail            what happened, for a person; never a stack trace or another tenant's data
 * @param retryAfterSeconds sent as {@code Retry-After} when positive (429, 503)
 */
public record Problem(ProblemType type, String detail, long retryAfterSeconds) {

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, 0);
    }

    public int status() {
        return type.status();
    }

    /** The JSON members in RFC 9457 order; {@code traceId} only when there is one. */
    public Map<String, Object> body(String instance, String traceId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (traceId != null) {
            body.put("traceId", traceId);
        }
        return body;
    }
}
