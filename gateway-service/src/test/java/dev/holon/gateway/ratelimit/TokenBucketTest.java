package dev.holon.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void letsAFullBurstThroughThenSaysHowLongToWait() {
        TokenBucket bucket = new TokenBucket(5, 5, 0);
        for (int i = 0; i < 5; i++) {
            assertThat(bucket.tryTake(0)).isZero();
        }

        long wait = bucket.tryTake(0);

        assertThat(wait).isEqualTo(SECOND / 5);
    }

    @Test
    void refillsAtTheSustainedRate() {
        TokenBucket bucket = new TokenBucket(2, 10, 0);
        bucket.tryTake(0);
        bucket.tryTake(0);
        assertThat(bucket.tryTake(0)).isPositive();

        assertThat(bucket.tryTake(SECOND / 10)).isZero();
        assertThat(bucket.tryTake(SECOND / 10)).isEqualTo(SECOND / 10);
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        TokenBucket bucket = new TokenBucket(3, 100, 0);

        long later = 3600 * SECOND;
        int passed = 0;
        while (bucket.tryTake(later) == 0) {
            passed++;
        }

        assertThat(passed).isEqualTo(3);
    }

    @Test
    void aWaitIsNeverZero() {
        TokenBucket bucket = new TokenBucket(1, 1, 0);
        bucket.tryTake(0);

        assertThat(bucket.tryTake(SECOND - 1)).isEqualTo(1);
    }

    @Test
    void needsAPositiveRate() {
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
