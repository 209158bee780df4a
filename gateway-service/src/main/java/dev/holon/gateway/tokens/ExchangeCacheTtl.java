package dev.holon.gateway.tokens;

import java.time.Duration;

/**
 * How long an exchange's answer is reused: an active PAT's JWT until {@code margin} before it expires, and never
 * longer than {@code max} (so a revoked PAT stops working within {@code max}); an inactive PAT's answer for
 * {@code max} (it cannot become active again). Plain Java.
 */
public final class ExchangeCacheTtl {

    private ExchangeCacheTtl() {
    }

    public static Duration of(boolean active, Long expiresInSeconds, Duration max, Duration margin) {
        if (!active) {
            return max;
        }
        if (expiresInSeconds == null) {
            return Duration.ZERO;
        }
        Duration usable = Duration.ofSeconds(expiresInSeconds).minus(margin);
        if (usable.isNegative()) {
            return Duration.ZERO;
        }
        return usable.compareTo(max) < 0 ? usable : max;
    }
}
