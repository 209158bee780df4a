package dev.holon.gateway.ratelimit;

import dev.holon.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RequestRateLimiterTest {

    private final AtomicLong now = new AtomicLong();

    private RequestRateLimiter limiter(int perSecond, int burst, int maxKeys) {
        GatewayProperties properties = new GatewayProperties(URI.create("http://registry"), URI.create("http://scheduler"), perSecond, burst, maxKeys,
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(30));
        return new RequestRateLimiter(properties, now::get);
    }

    @Test
    void eachUserHasTheirOwnAllowance() {
        RequestRateLimiter limiter = limiter(2, 0, 100);
        assertThat(limiter.tryAcquire("sub:a")).isZero();
        assertThat(limiter.tryAcquire("sub:a")).isZero();
        assertThat(limiter.tryAcquire("sub:a")).isPositive();

        assertThat(limiter.tryAcquire("sub:b")).isZero();
    }

    @Test
    void theBurstDefaultsToOneSecondOfRequests() {
        RequestRateLimiter limiter = limiter(3, 0, 100);
        int passed = 0;
        while (limiter.tryAcquire("sub:a") == 0) {
            passed++;
        }
        assertThat(passed).isEqualTo(3);
    }

    @Test
    void anExplicitBurstWins() {
        RequestRateLimiter limiter = limiter(3, 7, 100);
        int passed = 0;
        while (limiter.tryAcquire("sub:a") == 0) {
            passed++;
        }
        assertThat(passed).isEqualTo(7);
    }

    @Test
    void tracksABoundedNumberOfKeys() {
        RequestRateLimiter limiter = limiter(1, 0, 10);
        for (int i = 0; i < 1000; i++) {
            limiter.tryAcquire("ip:10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(10);
    }
}
