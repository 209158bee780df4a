package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The human-readable page behind each problem {@code type} URI ({@code /problems/<kind>}), so a person who
 * follows the link from an error learns what it means and what to do.
 */
@RestController
public class ProblemPages {

    @GetMapping(path = "/problems/{kind}", produces = {MediaType.TEXT_HTML_VALUE, MediaType.TEXT_PLAIN_VALUE})
    public ResponseEntity<String> page(@PathVariable String kind) {
        ProblemType type = find("/problems/" + kind)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePublic())
                .body(html(type));
    }

    static Optional<ProblemType> find(String uri) {
        return Arrays.stream(ProblemType.values()).filter(t -> t.uri().equals(uri)).findFirst();
    }

    static String html(ProblemType type) {
        return """
                <!doctype html>
                <html lang="en">
                <head><meta charset="utf-8"><title>%1$s — Holon</title></head>
                <body>
                <h1>%1$s</h1>
                <p>HTTP status <strong>%2$d</strong>, problem type <code>%3$s</code>.</p>
                <p>%4$s</p>
                <p>Holon answers every error as <code>application/problem+json</code> (RFC 9457): <code>detail</code>
                says what went wrong with this request; quote <code>traceId</code> when you report it.</p>
                </body>
                </html>
                """.formatted(type.title(), type.status(), type.uri(), explanation(type));
    }

    /** Exhaustive on purpose: a new problem kind does not compile until it has a page. */
    static String explanation(ProblemType type) {
        return switch (type) {
            case VALIDATION -> "The request is malformed or a field is invalid (unknown fields are rejected too). "
                    + "The <code>errors</code> list names each field; fix them and send the request again.";
            case UNAUTHORIZED -> "The request carries no access token, or the token is expired, tampered with or "
                    + "issued for another audience. Log in again (<code>holon login</code>) and retry.";
            case FORBIDDEN -> "The token is valid but its roles do not allow this action on this object.";
            case NOT_FOUND -> "Nothing is served at this address, or the object does not exist in your tenant.";
            case METHOD_NOT_ALLOWED -> "The address exists but not for this HTTP method; the <code>Allow</code> "
                    + "header lists the methods it accepts.";
            case NOT_ACCEPTABLE -> "None of the media types in the request's <code>Accept</code> header can be "
                    + "produced here.";
            case CONFLICT -> "The request conflicts with the current state of the object, or an "
                    + "<code>Idempotency-Key</code> was reused with a different body.";
            case PRECONDITION_FAILED -> "The object changed since you read it: its <code>ETag</code> no longer "
                    + "matches your <code>If-Match</code>. Read it again and reapply your change.";
            case PAYLOAD_TOO_LARGE -> "The request body is larger than this endpoint accepts.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body's <code>Content-Type</code> is not accepted here.";
            case RANGE_NOT_SATISFIABLE -> "The <code>Range</code> asked for starts beyond the end of the file; "
                    + "the <code>detail</code> gives the file's size.";
            case UNPROCESSABLE -> "The request is well formed but can never be satisfied, for example a job that "
                    + "asks for more than any node could ever have.";
            case PRECONDITION_REQUIRED -> "This change needs an <code>If-Match</code> header (for example, "
                    + "overwriting a file), so that concurrent writers do not lose each other's work.";
            case RATE_LIMITED -> "You sent more requests than your per-second allowance. Wait the number of "
                    + "seconds given in <code>Retry-After</code>, then continue at a slower pace.";
            case QUOTA_EXCEEDED -> "Your tenant's quota (CPU, memory, storage or jobs) does not allow this; free "
                    + "resources or ask an administrator for a larger quota.";
            case INTERNAL -> "Something failed that should not have. It is a bug: report it with the "
                    + "<code>traceId</code>.";
            case UNAVAILABLE -> "A Holon service needed for this request is down, overloaded or not answering in "
                    + "time. Retry after the number of seconds given in <code>Retry-After</code>.";
        };
    }
}
