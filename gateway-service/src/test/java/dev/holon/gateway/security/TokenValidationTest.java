package dev.holon.gateway.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The validator alone, on hand-built claims; the ITs check real Keycloak tokens end to end. */
class TokenValidationTest {

    private static final String ISSUER = "http://localhost:8180/realms/holon";
    private final OAuth2TokenValidator<Jwt> validator = TokenValidation.validator(ISSUER, "holon", Duration.ofSeconds(30));

    private static Jwt.Builder token() {
        Instant now = Instant.now();
        return Jwt.withTokenValue("t").header("alg", "RS256").issuer(ISSUER).subject("user-1")
                .audience(List.of("holon", "account")).issuedAt(now).expiresAt(now.plusSeconds(300));
    }

    @Test
    void acceptsATokenForHolonFromTheRealm() {
        assertThat(validator.validate(token().build()).hasErrors()).isFalse();
    }

    @Test
    void rejectsATokenForAnotherAudience() {
        assertThat(validator.validate(token().audience(List.of("account")).build()).hasErrors()).isTrue();
    }

    @Test
    void rejectsATokenFromAnotherIssuer() {
        assertThat(validator.validate(token().issuer("http://localhost:8180/realms/other").build()).hasErrors()).isTrue();
    }

    @Test
    void rejectsAnExpiredTokenBeyondTheClockSkew() {
        Instant past = Instant.now().minusSeconds(120);
        Jwt expired = token().issuedAt(past.minusSeconds(300)).expiresAt(past).build();

        assertThat(validator.validate(expired).hasErrors()).isTrue();
    }
}
