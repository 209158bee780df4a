package dev.holon.support.problem;

import dev.holon.contracts.problem.ProblemType;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.http.ProblemDetail;

import java.net.URI;

/** Builds RFC 9457 problem details the one Holon way: a stable type URI, a title, the path and the trace id. */
public final class Problems {

    /** The detail of every 5xx: a caller gets no internals, the log has them. */
    public static final String UNEXPECTED = "an unexpected error occurred; it has been logged";

    private final Tracer tracer;

    public Problems(Tracer tracer) {
        this.tracer = tracer;
    }

    public ProblemDetail of(ProblemType type, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatus(type.status());
        return decorate(problem, type, detail, path);
    }

    /** Gives a framework-made problem our type, title, instance and trace id, keeping its status and detail. */
    public ProblemDetail decorate(ProblemDetail problem, ProblemType type, String detail, String path) {
        problem.setType(URI.create(type.uri()));
        problem.setTitle(type.title());
        if (detail != null) {
            problem.setDetail(detail);
        }
        if (path != null) {
            problem.setInstance(URI.create(path));
        }
        String traceId = currentTraceId();
        if (traceId != null) {
            problem.setProperty("traceId", traceId);
        }
        return problem;
    }

    private String currentTraceId() {
        if (tracer == null) {
            return null;
        }
        Span span = tracer.currentSpan();
        return span == null ? null : span.context().traceId();
    }
}
