package dev.holon.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.holon.gateway.GatewayProperties;

import java.util.function.LongSupplier;

/**
 * One {@link TokenBucket} per key, in a bounded map that forgets keys idle longer than
 * {@code holon.gateway.rate-limit-key-idle} (by then their bucket would be full again) and, past
 * {@code holon.gateway.rate-limit-max-keys}, the least recently seen ones. In memory, per gateway
 * instance: with N replicas a user gets at most N times the allowance, which is what a per-instance
 * limiter without shared state can promise.
 */
public final class RequestRateLimiter {

    private final Cache<String, TokenBucket> buckets;
    private final int capacity;
    private final int perSecond;
    private final LongSupplier nanoTime;

    public RequestRateLimiter(GatewayProperties properties, LongSupplier nanoTime) {
        this.capacity = properties.effectiveBurst();
        this.perSecond = properties.rateLimitPerSecond();
        this.nanoTime = nanoTime;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(properties.rateLimitMaxKeys())
                .expireAfterAccess(properties.rateLimitKeyIdle())
                .build();
    }

    /** @return 0 when the request may pass, otherwise the nanoseconds until it would */
    public long tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        return buckets.get(key, k -> new TokenBucket(capacity, perSecond, now)).tryTake(now);
    }

    long trackedKeys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
