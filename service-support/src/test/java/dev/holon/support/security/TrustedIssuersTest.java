package dev.holon.support.security;

import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.testsupport.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two issuers every servlet service trusts, with really signed tokens whose keys are fetched over HTTP: the
 * Keycloak side is played here by a second test issuer (the services' ITs use the real Keycloak).
 */
class TrustedIssuersTest {

    static final String KEYCLOAK = "http://keycloak.test/realms/holon";
    static final TestJwtIssuer keycloak = new TestJwtIssuer(KEYCLOAK);
    static final TestJwtIssuer auth = new TestJwtIssuer(TokenExchange.ISSUER);
    static final TestJwtIssuer impostor = new TestJwtIssuer(TokenExchange.ISSUER);
    static final TestJwtIssuer stranger = new TestJwtIssuer("http://elsewhere.test");

    @AfterAll
    static void stop() {
        keycloak.close();
        auth.close();
        impostor.close();
        stranger.close();
    }

    static JwtAuthenticationConverter converter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new KeycloakRealmRoles());
        return converter;
    }

    static JwtDecoder keycloakDecoder() {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(keycloak.jwksUri()).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(KEYCLOAK));
        return decoder;
    }

    static JwtIssuerAuthenticationManagerResolver resolver(String keycloakIssuer, String patJwks) {
        return TrustedIssuers.resolver(keycloakIssuer, keycloakDecoder(), patJwks, "holon", converter());
    }

    static Authentication authenticate(JwtIssuerAuthenticationManagerResolver resolver, String token) {
        return resolver.resolve(new MockHttpServletRequest()).authenticate(new BearerTokenAuthenticationToken(token));
    }

    static String patJwt(TestJwtIssuer issuer, Map<String, Object> overrides, Duration ttl) {
        Map<String, Object> claims = new HashMap<>(TestJwtIssuer.userClaims("alice", List.of("/tenants/acme"),
                List.of("user"), "read jobs"));
        claims.putAll(overrides);
        return issuer.mint(claims, ttl);
    }

    @Test
    void aPatJwtOfAuthServiceIsTrustedAndMeansWhatAKeycloakTokenMeans() {
        Authentication who = authenticate(resolver(KEYCLOAK, auth.jwksUri()), patJwt(auth, Map.of(), Duration.ofMinutes(5)));

        assertThat(who).isInstanceOf(JwtAuthenticationToken.class);
        assertThat(who.getAuthorities()).extracting(GrantedAuthority::getAuthority).contains("ROLE_user")
                .noneMatch(a -> a.startsWith("ROLE_") && !a.equals("ROLE_user"));
        Caller caller = Caller.of(who, null);
        assertThat(caller.username()).isEqualTo("alice");
        assertThat(caller.tenant()).isEqualTo("acme");
        assertThat(((JwtAuthenticationToken) who).getToken().getClaimAsString("scope")).isEqualTo("read jobs");
    }

    @Test
    void keycloakTokensStayTrusted() {
        String token = keycloak.mint(TestJwtIssuer.userClaims("demo", List.of("/tenants/default"), List.of("user"),
                "openid"), Duration.ofMinutes(5));

        assertThat(authenticate(resolver(KEYCLOAK, auth.jwksUri()), token).getName()).isEqualTo("id-of-demo");
        assertThat(authenticate(resolver(KEYCLOAK, null), token).isAuthenticated()).isTrue();
        assertThat(authenticate(resolver("", auth.jwksUri()), token).isAuthenticated())
                .as("without a configured issuer, the Keycloak decoder judges every other issuer").isTrue();
    }

    @Test
    void aPatJwtSignedWithAnotherKeyIsRejected() {
        String forged = patJwt(impostor, Map.of(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> authenticate(resolver(KEYCLOAK, auth.jwksUri()), forged))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aPatJwtForAnotherAudienceOrExpiredIsRejected() {
        JwtIssuerAuthenticationManagerResolver resolver = resolver(KEYCLOAK, auth.jwksUri());

        assertThatThrownBy(() -> authenticate(resolver, patJwt(auth, Map.of("aud", List.of("other")),
                Duration.ofMinutes(5)))).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> authenticate(resolver, patJwt(auth, Map.of(), Duration.ofMinutes(-5))))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void withoutAPatJwksUriPatJwtsAreNotTrusted() {
        String token = patJwt(auth, Map.of(), Duration.ofMinutes(5));

        assertThatThrownBy(() -> authenticate(resolver(KEYCLOAK, ""), token))
                .isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> authenticate(resolver("", null), token))
                .as("not even handed to the Keycloak decoder").isInstanceOf(AuthenticationException.class);
    }

    @Test
    void anyOtherIssuerIsRejected() {
        String token = stranger.mint(TestJwtIssuer.userClaims("mallory", List.of("/tenants/acme"), List.of("admin"),
                "read"), Duration.ofMinutes(5));

        assertThatThrownBy(() -> authenticate(resolver(KEYCLOAK, auth.jwksUri()), token))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aKeycloakTokenClaimingToBeFromAuthServiceIsCheckedAgainstAuthServicesKeys() {
        String token = keycloak.mint(Map.of("iss", TokenExchange.ISSUER, "aud", List.of("holon"),
                "preferred_username", "x"), Duration.ofMinutes(5));

        assertThatThrownBy(() -> authenticate(resolver(KEYCLOAK, auth.jwksUri()), token))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void theKeysAreAtTheAuthUrlUnlessTheyAreNamed() {
        assertThat(TrustedIssuers.patJwksUri(null, "http://auth:8890")).isEqualTo("http://auth:8890/api/v1/tokens/jwks");
        assertThat(TrustedIssuers.patJwksUri("", "http://auth:8890/")).isEqualTo("http://auth:8890/api/v1/tokens/jwks");
        assertThat(TrustedIssuers.patJwksUri("http://keys/jwks", "http://auth:8890")).isEqualTo("http://keys/jwks");
        assertThat(TrustedIssuers.patJwksUri("", "")).isNull();
        assertThat(TrustedIssuers.patJwksUri(null, null)).isNull();
    }
}
