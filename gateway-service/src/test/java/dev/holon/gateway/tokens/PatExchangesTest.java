package dev.holon.gateway.tokens;

import dev.holon.contracts.tenant.TokenExchange;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatExchangesTest {

    final AtomicLong nanos = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();
    final TokenExchangeProperties properties = new TokenExchangeProperties(URI.create("http://auth"),
            URI.create("http://kc/token"), "holon-service", "secret", Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), 100);

    static TokenExchange.Response active(long expiresIn) {
        return new TokenExchange.Response(true, "jwt", expiresIn, "t1", "alice", "acme", List.of("read"));
    }

    PatExchanges exchanges(TokenExchange.Response answer) {
        return new PatExchanges(pat -> Mono.fromCallable(() -> {
            calls.incrementAndGet();
            return answer;
        }), properties, nanos::get);
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Test
    void anAnswerIsReusedForAtMostTenSeconds() {
        PatExchanges exchanges = exchanges(active(300));

        assertThat(exchanges.exchange("hol_a").block().accessToken()).isEqualTo("jwt");
        advance(Duration.ofSeconds(9));
        exchanges.exchange("hol_a").block();
        assertThat(calls).hasValue(1);
        advance(Duration.ofSeconds(2));
        exchanges.exchange("hol_a").block();
        assertThat(calls).as("asked again after 10 s: a revocation shows").hasValue(2);
    }

    @Test
    void aShortLivedJwtIsReusedOnlyUntilThirtySecondsBeforeItExpires() {
        PatExchanges exchanges = exchanges(active(33));

        exchanges.exchange("hol_a").block();
        advance(Duration.ofSeconds(4));
        exchanges.exchange("hol_a").block();
        assertThat(calls).hasValue(2);
    }

    @Test
    void eachTokenHasItsOwnAnswer() {
        PatExchanges exchanges = exchanges(active(300));

        exchanges.exchange("hol_a").block();
        exchanges.exchange("hol_b").block();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedExchangeIsNotRemembered() {
        AtomicInteger attempts = new AtomicInteger();
        PatExchanges exchanges = new PatExchanges(pat -> attempts.incrementAndGet() == 1
                ? Mono.error(new PatExchangeClient.Unavailable("down", null))
                : Mono.just(active(300)), properties, nanos::get);

        assertThatThrownBy(() -> exchanges.exchange("hol_a").block()).isInstanceOf(PatExchangeClient.Unavailable.class);
        assertThat(exchanges.exchange("hol_a").block().active()).isTrue();
    }

    @Test
    void theCacheIsKeyedByTheTokensDigestNotTheToken() {
        assertThat(PatExchanges.fingerprint("hol_secret")).hasSize(64).doesNotContain("secret");
    }

    @Test
    void findsThePatInTheAuthorizationHeaderOnly() {
        assertThat(PatExchangeFilter.patOf("Bearer hol_abc")).isEqualTo("hol_abc");
        assertThat(PatExchangeFilter.patOf("bearer hol_abc")).isEqualTo("hol_abc");
        assertThat(PatExchangeFilter.patOf("Bearer eyJhbGciOi.x.y")).isNull();
        assertThat(PatExchangeFilter.patOf("Basic hol_abc")).isNull();
        assertThat(PatExchangeFilter.patOf("Bearer ")).isNull();
        assertThat(PatExchangeFilter.patOf(null)).isNull();
    }
}
