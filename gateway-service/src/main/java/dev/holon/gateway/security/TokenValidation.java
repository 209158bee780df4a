package dev.holon.gateway.security;

import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.tokens.TokenExchangeProperties;
import dev.holon.support.security.KeycloakRealmRoles;
import dev.holon.support.security.VerifiedTokens;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How an access token is checked. Two issuers are trusted, chosen by the token's {@code iss} (Spring Security's
 * {@link JwtIssuerReactiveAuthenticationManagerResolver}; any other issuer is a 401): Keycloak, and auth-service's
 * {@value TokenExchange#ISSUER}, whose JWTs the gateway gets for personal access tokens. Each has its keys (fetched
 * lazily from its JWK set URI, so the gateway starts while they are still starting), and each token's issuer,
 * audience ({@code holon.security.audience}) and lifetime are checked with a small clock-skew allowance
 * ({@code holon.gateway.token-clock-skew}). auth-service's keys are at {@code holon.security.pat-jwks-uri}, by
 * default {@code <holon.gateway.tokens.exchange-url>/api/v1/tokens/jwks}.
 */
@Configuration(proxyBeanMethods = false)
class TokenValidation {

    @Bean
    ReactiveJwtDecoder jwtDecoder(
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer,
            @Value("${spring.security.oauth2.resourceserver.jwt.jwk-set-uri}") String jwkSetUri,
            @Value("${holon.security.audience}") String audience,
            GatewayProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwkSetUri).build();
        decoder.setJwtValidator(validator(issuer, audience, properties.tokenClockSkew()));
        return decoder;
    }

    @Bean
    JwtIssuerReactiveAuthenticationManagerResolver trustedIssuers(
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer,
            ReactiveJwtDecoder keycloak,
            @Value("${holon.security.pat-jwks-uri:}") String patJwksUri,
            @Value("${holon.security.audience}") String audience,
            GatewayProperties properties, TokenExchangeProperties tokens) {
        NimbusReactiveJwtDecoder pats = NimbusReactiveJwtDecoder
                .withJwkSetUri(patJwksUri.isBlank() ? tokens.defaultJwksUri() : patJwksUri).build();
        Duration skew = properties.tokenClockSkew();
        pats.setJwtValidator(validator(TokenExchange.ISSUER, audience, skew));
        Map<String, ReactiveAuthenticationManager> managers = Map.of(
                issuer, manager(keycloak, skew), TokenExchange.ISSUER, manager(pats, skew));
        return new JwtIssuerReactiveAuthenticationManagerResolver(iss -> Mono.justOrEmpty(managers.get(iss)));
    }

    private static ReactiveAuthenticationManager manager(ReactiveJwtDecoder decoder, Duration clockSkew) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new KeycloakRealmRoles());
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(
                caching(decoder, new JwtTimestampValidator(clockSkew)));
        manager.setJwtAuthenticationConverter(new ReactiveJwtAuthenticationConverterAdapter(converter));
        return manager;
    }

    /** {@code decoder}, remembering the tokens it accepted ({@link VerifiedTokens}). */
    static ReactiveJwtDecoder caching(ReactiveJwtDecoder decoder, OAuth2TokenValidator<Jwt> time) {
        VerifiedTokens tokens = new VerifiedTokens(time);
        return token -> {
            Jwt jwt = tokens.accepted(token);
            return jwt != null ? Mono.just(jwt)
                    : decoder.decode(token).doOnNext(accepted -> tokens.remember(token, accepted));
        };
    }

    static OAuth2TokenValidator<Jwt> validator(String issuer, String audience, Duration clockSkew) {
        return new DelegatingOAuth2TokenValidator<>(List.of(
                new JwtTimestampValidator(clockSkew),
                new JwtIssuerValidator(issuer),
                audience(audience)));
    }

    static OAuth2TokenValidator<Jwt> audience(String audience) {
        OAuth2Error wrongAudience = new OAuth2Error(BearerTokenErrorCodes.INVALID_TOKEN,
                "The token is not issued for audience " + audience, null);
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(wrongAudience);
    }
}
