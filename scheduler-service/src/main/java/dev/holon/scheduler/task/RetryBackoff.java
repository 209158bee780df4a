package dev.holon.scheduler.task;

import java.time.Duration;

/**
 * How long a failed task waits before its next attempt: {@code backoff * 2^(retriesUsed - 1)}, capped. Exponential
 * so a crashing task does not hammer the cluster, capped so it is still retried within a bounded time.
 */
public final class RetryBackoff {

    private RetryBackoff() {
    }

    /**
     * @param backoffSeconds the job's first delay (0: retry at once)
     * @param retriesUsed    retries consumed including the one about to start (1 for the first retry)
     * @param max            the cap
     */
    public static Duration delay(int backoffSeconds, int retriesUsed, Duration max) {
        if (backoffSeconds <= 0 || retriesUsed <= 0) {
            return Duration.ZERO;
        }
        int doublings = retriesUsed - 1;
        // beyond 2^31 seconds any cap we accept is reached; avoids overflow
        if (doublings >= 31) {
            return max;
        }
        long seconds = (long) backoffSeconds << doublings;
        Duration delay = Duration.ofSeconds(seconds);
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
