package dev.holon.gateway.resilience;

import java.time.Duration;
import java.time.Instant;

/**
 * Computes {@code Retry-After} values in whole seconds (RFC 9110 delay-seconds): always rounded up, so a
 * client that obeys never comes back too early, and at least 1, since 0 would invite an immediate retry.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static long seconds(Duration wait) {
        if (wait == null || wait.isNegative() || wait.isZero()) {
            return 1;
        }
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    public static long secondsFromNanos(long nanos) {
        return seconds(Duration.ofNanos(Math.max(0, nanos)));
    }

    /** Seconds until an open circuit lets probe calls through again. */
    public static long untilHalfOpen(Instant openedAt, Duration openFor, Instant now) {
        if (openedAt == null) {
            return seconds(openFor);
        }
        return seconds(Duration.between(now, openedAt.plus(openFor)));
    }
}
