package dev.holon.support.security;

import dev.holon.contracts.tenant.TokenExchange;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerAuthenticationManagerResolver;

import java.util.HashMap;
import java.util.Map;

/**
 * The issuers a Holon service trusts: Keycloak (people and machines) and, when auth-service's keys are known
 * ({@link #patJwksUri}), auth-service's {@value TokenExchange#ISSUER} (short-lived JWTs the gateway got in exchange for a personal
 * access token). Spring Security's {@link JwtIssuerAuthenticationManagerResolver} picks the verifier by the
 * token's {@code iss}; each verifier checks signature (its own JWK set), issuer, audience and lifetime; a token
 * of any other issuer is a 401. Both map {@code realm_access.roles} the same way, so a PAT's JWT means what a
 * Keycloak token of the same user means.
 */
public final class TrustedIssuers {

    /** Where auth-service serves its keys, under its base URL. */
    public static final String JWKS_PATH = "/api/v1/tokens/jwks";

    private TrustedIssuers() {
    }

    /**
     * @param keycloakIssuer  Keycloak's issuer ({@code spring.security.oauth2.resourceserver.jwt.issuer-uri}); blank
     *                        means "any issuer but holon-auth goes to the Keycloak decoder", which checks it itself
     * @param keycloakDecoder the decoder of Keycloak tokens (Boot's, from {@code spring.security.oauth2.resourceserver.jwt.*})
     * @param patJwksUri      where auth-service serves its keys; blank: PAT JWTs are not trusted
     * @param audience        the audience every token must carry ({@code holon.security.audience})
     */
    public static JwtIssuerAuthenticationManagerResolver resolver(String keycloakIssuer, JwtDecoder keycloakDecoder,
            String patJwksUri, String audience, JwtAuthenticationConverter converter) {
        AuthenticationManager keycloak = manager(keycloakDecoder, converter);
        AuthenticationManager pats = patJwksUri == null || patJwksUri.isBlank() ? null
                : manager(patDecoder(patJwksUri, audience), converter);
        Map<String, AuthenticationManager> byIssuer = new HashMap<>();
        if (pats != null) {
            byIssuer.put(TokenExchange.ISSUER, pats);
        }
        boolean anyKeycloakIssuer = keycloakIssuer == null || keycloakIssuer.isBlank();
        if (!anyKeycloakIssuer) {
            byIssuer.put(keycloakIssuer, keycloak);
        }
        // null: the resolver answers 401 "Invalid issuer".
        return new JwtIssuerAuthenticationManagerResolver(issuer -> byIssuer.getOrDefault(issuer,
                anyKeycloakIssuer && !TokenExchange.ISSUER.equals(issuer) ? keycloak : null));
    }

    /**
     * Where auth-service's keys are: {@code holon.security.pat-jwks-uri} when set, else
     * {@code <holon.security.auth-url>/api/v1/tokens/jwks}, else none (PAT JWTs are not trusted).
     */
    public static String patJwksUri(String patJwksUri, String authUrl) {
        if (patJwksUri != null && !patJwksUri.isBlank()) {
            return patJwksUri.strip();
        }
        if (authUrl == null || authUrl.isBlank()) {
            return null;
        }
        String base = authUrl.strip();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + JWKS_PATH;
    }

    /** auth-service's JWTs: its keys, issuer {@code holon-auth}, the Holon audience, and not expired. */
    public static JwtDecoder patDecoder(String jwksUri, String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwksUri).build();
        decoder.setJwtValidator(patValidator(audience));
        return decoder;
    }

    public static OAuth2TokenValidator<Jwt> patValidator(String audience) {
        return JwtValidators.createDefaultWithValidators(
                new JwtIssuerValidator(TokenExchange.ISSUER), new JwtAudienceValidator(audience));
    }

    private static AuthenticationManager manager(JwtDecoder decoder, JwtAuthenticationConverter converter) {
        // Both decoders check time with Spring Security's default validator (60 s of clock skew).
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(
                VerifiedTokens.caching(decoder, new JwtTimestampValidator()));
        provider.setJwtAuthenticationConverter(converter);
        return provider::authenticate;
    }
}
