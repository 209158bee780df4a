package dev.holon.scheduler.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBackoffTest {

    private static final Duration CAP = Duration.ofMinutes(5);

    @Test
    void doublesFromTheJobsBackoffWithEachRetryUsed() {
        assertThat(RetryBackoff.delay(1, 1, CAP)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryBackoff.delay(1, 2, CAP)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryBackoff.delay(1, 3, CAP)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetryBackoff.delay(10, 4, CAP)).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void isCappedAndNeverOverflows() {
        assertThat(RetryBackoff.delay(10, 6, CAP)).isEqualTo(CAP); // 320 s
        assertThat(RetryBackoff.delay(3600, 1, CAP)).isEqualTo(CAP);
        assertThat(RetryBackoff.delay(3600, 100, CAP)).isEqualTo(CAP);
        assertThat(RetryBackoff.delay(1, 31, Duration.ofDays(365 * 100))).isEqualTo(Duration.ofSeconds(1L << 30));
        assertThat(RetryBackoff.delay(1, 32, Duration.ofDays(365 * 100))).isEqualTo(Duration.ofDays(365 * 100));
    }

    @Test
    void zeroBackoffOrNoRetryUsedMeansAtOnce() {
        assertThat(RetryBackoff.delay(0, 3, CAP)).isZero();
        assertThat(RetryBackoff.delay(5, 0, CAP)).isZero();
    }
}
