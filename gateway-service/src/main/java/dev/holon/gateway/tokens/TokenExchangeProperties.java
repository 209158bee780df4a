package dev.holon.gateway.tokens;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;

/**
 * How the gateway exchanges personal access tokens ({@code holon.gateway.tokens.*}).
 *
 * @param exchangeUrl  base URL of auth-service: the gateway posts PATs to {@code <exchangeUrl>/api/v1/tokens/exchange}
 *                     and, unless {@code holon.security.pat-jwks-uri} says otherwise, trusts the keys at
 *                     {@code <exchangeUrl>/api/v1/tokens/jwks}
 * @param tokenUri     Keycloak's token endpoint for the gateway's own service token (client credentials)
 * @param clientId     the Keycloak client the gateway calls auth-service as (role {@code service})
 * @param clientSecret its secret
 * @param timeout      longest wait for an exchange before the request is answered 503
 * @param maxCacheTtl  longest an exchange's answer is reused: a revoked PAT stops working within this time
 * @param expiryMargin a minted JWT is reused only until this long before it expires, so it never expires on its way
 * @param cacheSize    most PATs whose exchange is remembered at once
 */
@Validated
@ConfigurationProperties("holon.gateway.tokens")
public record TokenExchangeProperties(
        @DefaultValue("http://localhost:8890") @NotNull URI exchangeUrl,
        @NotNull URI tokenUri,
        @DefaultValue("holon-service") @NotBlank String clientId,
        @DefaultValue("holon-service-secret") @NotBlank String clientSecret,
        @DefaultValue("PT5S") @NotNull Duration timeout,
        @DefaultValue("PT10S") @NotNull Duration maxCacheTtl,
        @DefaultValue("PT30S") @NotNull Duration expiryMargin,
        @DefaultValue("10000") @Positive int cacheSize) {

    public static final String EXCHANGE_PATH = "/api/v1/tokens/exchange";
    public static final String JWKS_PATH = "/api/v1/tokens/jwks";

    /** Where auth-service's keys are, when {@code holon.security.pat-jwks-uri} is not set. */
    public String defaultJwksUri() {
        String base = exchangeUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + JWKS_PATH;
    }

    public String exchangeEndpoint() {
        String base = exchangeUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + EXCHANGE_PATH;
    }
}
