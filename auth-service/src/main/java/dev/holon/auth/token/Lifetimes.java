package dev.holon.auth.token;

import java.time.Duration;
import java.time.Instant;

/**
 * When a token expires, from a request's {@code expiresIn} (ISO-8601 duration) or {@code expiresAt} (RFC 3339), at
 * most one of them: absent = the default lifetime; longer than the maximum, not in the future, or both given = refused
 * with a message for the caller. Plain Java.
 */
public final class Lifetimes {

    private Lifetimes() {
    }

    public static Instant expiry(Duration expiresIn, Instant expiresAt, Instant now, Duration defaultLifetime,
            Duration maxLifetime) {
        if (expiresIn != null && expiresAt != null) {
            throw new IllegalArgumentException("give expiresIn or expiresAt, not both");
        }
        Instant expiry;
        if (expiresIn != null) {
            if (expiresIn.isNegative() || expiresIn.isZero()) {
                throw new IllegalArgumentException("expiresIn must be positive, got " + expiresIn);
            }
            if (expiresIn.compareTo(maxLifetime) > 0) {
                throw new IllegalArgumentException("expiresIn may be at most " + describe(maxLifetime) + ", got " + expiresIn);
            }
            expiry = now.plus(expiresIn);
        } else if (expiresAt != null) {
            if (!expiresAt.isAfter(now)) {
                throw new IllegalArgumentException("expiresAt must be in the future, got " + expiresAt);
            }
            if (Duration.between(now, expiresAt).compareTo(maxLifetime) > 0) {
                throw new IllegalArgumentException("expiresAt may be at most " + describe(maxLifetime) + " ahead, got "
                        + expiresAt);
            }
            expiry = expiresAt;
        } else {
            expiry = now.plus(defaultLifetime);
        }
        return expiry;
    }

    /** P365D reads "365 days", PT24H "24 hours". */
    static String describe(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return duration.toDays() + " days (" + duration + ")";
        }
        if (duration.toSeconds() % 3_600 == 0) {
            return duration.toHours() + " hours (" + duration + ")";
        }
        return duration.toString();
    }
}
