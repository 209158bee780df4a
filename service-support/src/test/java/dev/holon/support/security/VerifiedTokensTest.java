package dev.holon.support.security;

import dev.holon.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final Duration SKEW = Duration.ofSeconds(30);

    final MutableClock clock = new MutableClock(NOW);
    final List<String> decoded = new ArrayList<>();

    /** Accepts "good-*" tokens that expire 5 minutes after NOW, and checks time as a real decoder does. */
    final JwtDecoder decoder = token -> {
        decoded.add(token);
        Jwt jwt = Jwt.withTokenValue(token).header("alg", "RS256").subject("demo")
                .issuedAt(NOW).expiresAt(NOW.plus(Duration.ofMinutes(5))).build();
        if (!token.startsWith("good-") || time().validate(jwt).hasErrors()) {
            throw new BadJwtException("refused " + token);
        }
        return jwt;
    };

    JwtTimestampValidator time() {
        JwtTimestampValidator validator = new JwtTimestampValidator(SKEW);
        validator.setClock(clock);
        return validator;
    }

    final JwtDecoder caching = VerifiedTokens.caching(decoder, time());

    @Test
    void aTokenAcceptedOnceIsNotVerifiedAgainWhileValid() {
        assertThat(caching.decode("good-1").getSubject()).isEqualTo("demo");
        clock.advance(Duration.ofMinutes(4));
        assertThat(caching.decode("good-1").getSubject()).isEqualTo("demo");
        assertThat(caching.decode("good-1").getSubject()).isEqualTo("demo");

        assertThat(decoded).containsExactly("good-1");
    }

    @Test
    void anotherStringIsVerifiedEvenIfItDiffersByOneCharacter() {
        caching.decode("good-1");

        assertThatThrownBy(() -> caching.decode("bad!-1x")).isInstanceOf(BadJwtException.class);
        assertThat(caching.decode("good-2").getSubject()).isEqualTo("demo");
        assertThat(decoded).containsExactly("good-1", "bad!-1x", "good-2");
    }

    @Test
    void aTokenThatExpiredSinceGoesBackToTheDecoderWhichRefusesIt() {
        caching.decode("good-1");
        clock.advance(Duration.ofMinutes(5).plus(SKEW).plusSeconds(1));

        assertThatThrownBy(() -> caching.decode("good-1")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> caching.decode("good-1")).isInstanceOf(BadJwtException.class);
        assertThat(decoded).containsExactly("good-1", "good-1", "good-1");
    }

    @Test
    void aRefusedTokenIsNotRemembered() {
        assertThatThrownBy(() -> caching.decode("bad-1")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> caching.decode("bad-1")).isInstanceOf(BadJwtException.class);

        assertThat(decoded).containsExactly("bad-1", "bad-1");
    }
}
