package dev.holon.auth.token;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifetimesTest {

    static final Instant NOW = Instant.parse("2026-11-24T06:18:28Z");
    static final Duration DEFAULT = Duration.ofDays(30);
    static final Duration MAX = Duration.ofDays(365);

    @Test
    void noLifetimeMeansTheDefault() {
        assertThat(Lifetimes.expiry(null, null, NOW, DEFAULT, MAX)).isEqualTo(NOW.plus(DEFAULT));
    }

    @Test
    void expiresInAndExpiresAtAreHonouredUpToTheMaximum() {
        assertThat(Lifetimes.expiry(Duration.ofHours(1), null, NOW, DEFAULT, MAX)).isEqualTo(NOW.plusSeconds(3600));
        assertThat(Lifetimes.expiry(MAX, null, NOW, DEFAULT, MAX)).isEqualTo(NOW.plus(MAX));
        Instant at = NOW.plus(Duration.ofDays(100));
        assertThat(Lifetimes.expiry(null, at, NOW, DEFAULT, MAX)).isEqualTo(at);
        assertThat(Lifetimes.expiry(null, NOW.plus(MAX), NOW, DEFAULT, MAX)).isEqualTo(NOW.plus(MAX));
    }

    @Test
    void tooLongPastZeroOrBothAreRefusedWithAReason() {
        assertThatThrownBy(() -> Lifetimes.expiry(MAX.plusSeconds(1), null, NOW, DEFAULT, MAX))
                .hasMessageContaining("at most 365 days");
        assertThatThrownBy(() -> Lifetimes.expiry(null, NOW.plus(MAX).plusSeconds(1), NOW, DEFAULT, MAX))
                .hasMessageContaining("at most 365 days");
        assertThatThrownBy(() -> Lifetimes.expiry(Duration.ZERO, null, NOW, DEFAULT, MAX)).hasMessageContaining("positive");
        assertThatThrownBy(() -> Lifetimes.expiry(Duration.ofSeconds(-5), null, NOW, DEFAULT, MAX)).hasMessageContaining("positive");
        assertThatThrownBy(() -> Lifetimes.expiry(null, NOW, NOW, DEFAULT, MAX)).hasMessageContaining("future");
        assertThatThrownBy(() -> Lifetimes.expiry(Duration.ofDays(1), NOW.plusSeconds(60), NOW, DEFAULT, MAX))
                .hasMessageContaining("not both");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(Lifetimes.describe(Duration.ofHours(24))).isEqualTo("1 days (PT24H)");
        assertThat(Lifetimes.describe(Duration.ofHours(5))).isEqualTo("5 hours (PT5H)");
        assertThat(Lifetimes.describe(Duration.ofMinutes(5))).isEqualTo("PT5M");
    }
}
