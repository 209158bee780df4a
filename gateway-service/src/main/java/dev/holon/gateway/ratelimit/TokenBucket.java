package dev.holon.gateway.ratelimit;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code perSecond}; each
 * request takes one. Time is passed in (nanoTime-style), so the arithmetic is tested without sleeping.
 * Thread-safe: one bucket is shared by all requests of one user.
 */
public final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long updatedAt;

    public TokenBucket(int capacity, int perSecond, long nowNanos) {
        if (capacity < 1 || perSecond < 1) {
            throw new IllegalArgumentException("capacity and perSecond must be at least 1");
        }
        this.capacity = capacity;
        this.tokensPerNano = perSecond / NANOS_PER_SECOND;
        this.tokens = capacity;
        this.updatedAt = nowNanos;
    }

    /**
     * Takes one token if there is one.
     *
     * @return 0 when the request may pass, otherwise the nanoseconds until a token will be available
     */
    public synchronized long tryTake(long nowNanos) {
        long elapsed = nowNanos - updatedAt;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            updatedAt = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
    }
}
