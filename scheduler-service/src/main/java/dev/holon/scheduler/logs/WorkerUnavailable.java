package dev.holon.scheduler.logs;

import java.time.Duration;

/** A worker (or the registry) that holds a log cannot be reached now: 503 with {@code Retry-After}. */
final class WorkerUnavailable extends RuntimeException {

    private final Duration retryAfter;

    WorkerUnavailable(String detail, Duration retryAfter) {
        super(detail);
        this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
        return retryAfter;
    }
}
