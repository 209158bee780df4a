package dev.holon.gateway.tokens;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ExchangeCacheTtlTest {

    static final Duration MAX = Duration.ofSeconds(10);
    static final Duration MARGIN = Duration.ofSeconds(30);

    @Test
    void aLongLivedJwtIsReusedForTheMaximumOnlySoRevocationTakesEffectSoon() {
        assertThat(ExchangeCacheTtl.of(true, 300L, MAX, MARGIN)).isEqualTo(MAX);
    }

    @Test
    void aJwtCloseToItsExpiryIsReusedUntilTheMarginBeforeIt() {
        assertThat(ExchangeCacheTtl.of(true, 35L, MAX, MARGIN)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ExchangeCacheTtl.of(true, 30L, MAX, MARGIN)).isZero();
        assertThat(ExchangeCacheTtl.of(true, 20L, MAX, MARGIN)).as("never negative").isZero();
        assertThat(ExchangeCacheTtl.of(true, null, MAX, MARGIN)).as("unknown lifetime: not reused").isZero();
    }

    @Test
    void anInactiveTokensAnswerIsReusedForTheMaximum() {
        assertThat(ExchangeCacheTtl.of(false, null, MAX, MARGIN)).isEqualTo(MAX);
    }
}
