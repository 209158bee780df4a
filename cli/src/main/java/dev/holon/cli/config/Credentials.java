package dev.holon.cli.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * What {@code holon login} stored: where the cluster is, the tokens, and the tenant chosen with
 * {@code holon tenant use}. {@code kind} is {@code oauth} (refreshable) or {@code token} (a given bearer token).
 * Expiries are epoch seconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Credentials(String kind, String gateway, String issuer, String tokenEndpoint, String clientId,
        String accessToken, String refreshToken, Long expiresAt, Long refreshExpiresAt, String tenant) {

    public static final String OAUTH = "oauth";
    public static final String TOKEN = "token";

    public Credentials withTokens(String accessToken, String refreshToken, Long expiresAt, Long refreshExpiresAt) {
        return new Credentials(kind, gateway, issuer, tokenEndpoint, clientId, accessToken, refreshToken, expiresAt,
                refreshExpiresAt, tenant);
    }

    public Credentials withTenant(String tenant) {
        return new Credentials(kind, gateway, issuer, tokenEndpoint, clientId, accessToken, refreshToken, expiresAt,
                refreshExpiresAt, tenant);
    }

    /** The access token expires within {@code marginSeconds} (unknown expiry counts as valid). */
    public boolean expiresWithin(Instant now, long marginSeconds) {
        return expiresAt != null && now.getEpochSecond() + marginSeconds >= expiresAt;
    }

    public boolean refreshable(Instant now) {
        return OAUTH.equals(kind) && refreshToken != null && tokenEndpoint != null
                && (refreshExpiresAt == null || now.getEpochSecond() < refreshExpiresAt);
    }
}
