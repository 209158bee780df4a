package dev.holon.worker.resilience;

import java.time.Duration;

/**
 * How one kind of outgoing call is protected: each try is cut off after {@code timeout}; a try that could not
 * connect, timed out or got a 5xx is retried up to {@code maxAttempts} tries in all, waiting {@code initialBackoff},
 * then {@code multiplier} times longer each time; when {@code failureRateThreshold} percent of the last
 * {@code slidingWindow} calls failed, the circuit opens and calls fail at once for {@code waitInOpenState}.
 */
public record CallPolicy(Duration timeout, Integer maxAttempts, Duration initialBackoff, Double multiplier,
                         Integer slidingWindow, Float failureRateThreshold, Duration waitInOpenState) {

    public CallPolicy {
        timeout = timeout != null ? timeout : Duration.ofSeconds(5);
        maxAttempts = maxAttempts != null ? maxAttempts : 3;
        initialBackoff = initialBackoff != null ? initialBackoff : Duration.ofMillis(200);
        multiplier = multiplier != null ? multiplier : 2.0;
        slidingWindow = slidingWindow != null ? slidingWindow : 10;
        failureRateThreshold = failureRateThreshold != null ? failureRateThreshold : 50f;
        waitInOpenState = waitInOpenState != null ? waitInOpenState : Duration.ofSeconds(10);
        if (timeout.isNegative() || timeout.isZero() || maxAttempts < 1 || initialBackoff.isNegative()
                || multiplier < 1 || slidingWindow < 1 || failureRateThreshold <= 0 || failureRateThreshold > 100
                || waitInOpenState.isNegative() || waitInOpenState.isZero()) {
            throw new IllegalArgumentException("invalid call policy " + this);
        }
    }

    public static CallPolicy defaults() {
        return new CallPolicy(null, null, null, null, null, null, null);
    }
}
