package dev.holon.gateway.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    @Test
    void roundsUpToWholeSeconds() {
        assertThat(RetryAfter.seconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(RetryAfter.seconds(Duration.ofSeconds(3))).isEqualTo(3);
        assertThat(RetryAfter.secondsFromNanos(1)).isEqualTo(1);
        assertThat(RetryAfter.secondsFromNanos(2_500_000_000L)).isEqualTo(3);
    }

    @Test
    void isNeverLessThanOneSecond() {
        assertThat(RetryAfter.seconds(Duration.ZERO)).isEqualTo(1);
        assertThat(RetryAfter.seconds(Duration.ofSeconds(-5))).isEqualTo(1);
        assertThat(RetryAfter.seconds(null)).isEqualTo(1);
    }

    @Test
    void anOpenCircuitSaysWhenItWillLetProbesThrough() {
        Instant opened = Instant.parse("2026-11-25T10:00:00Z");
        Duration openFor = Duration.ofSeconds(10);

        assertThat(RetryAfter.untilHalfOpen(opened, openFor, opened)).isEqualTo(10);
        assertThat(RetryAfter.untilHalfOpen(opened, openFor, opened.plusMillis(3500))).isEqualTo(7);
        assertThat(RetryAfter.untilHalfOpen(opened, openFor, opened.plusSeconds(30))).isEqualTo(1);
    }

    @Test
    void anOpenCircuitOfUnknownAgeWaitsTheWholeOpenDuration() {
        assertThat(RetryAfter.untilHalfOpen(null, Duration.ofSeconds(10), Instant.now())).isEqualTo(10);
    }
}
