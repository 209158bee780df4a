package dev.holon.gateway;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's settings ({@code holon.gateway.*}). Each downstream service has one {@code <service>-url};
 * everything else has a default that suits one developer machine.
 *
 * @param registryUrl           base URL of registry-service
 * @param schedulerUrl          base URL of each scheduler-service replica (comma-separated in
 *                              {@code HOLON_SCHEDULER_URL}); requests go round robin, skipping a replica
 *                              that refuses connections
 * @param rateLimitPerSecond    sustained requests per second per user (or per client IP without a token)
 * @param rateLimitBurst        requests a user may send at once before the sustained rate applies; 0 means
 *                              one second's worth ({@code rateLimitPerSecond})
 * @param rateLimitMaxKeys      most users/IPs tracked at once; the least recently seen are forgotten first
 * @param rateLimitKeyIdle      a user not seen for this long is forgotten (their bucket is full again anyway)
 * @param downstreamTimeout     longest wait for a downstream answer before the gateway answers 503
 * @param circuitOpenDuration   how long an open circuit rejects calls before letting a few probes through
 * @param unavailableRetryAfter the Retry-After sent when a downstream failed but its circuit is still closed
 * @param tokenClockSkew        how far an access token's exp/nbf may be off the gateway's clock
 * @param storageUrl            base URL of storage-service ({@code /api/v1/files})
 * @param authUrl               base URL of auth-service ({@code /api/v1/tenants}, {@code /api/v1/tokens},
 *                              {@code /api/v1/audit})
 */
@Validated
@ConfigurationProperties("holon.gateway")
public record GatewayProperties(
        @NotNull URI registryUrl,
        @NotEmpty List<@NotNull URI> schedulerUrl,
        @DefaultValue("500") @Positive int rateLimitPerSecond,
        @DefaultValue("0") int rateLimitBurst,
        @DefaultValue("100000") @Positive int rateLimitMaxKeys,
        @DefaultValue("PT10M") @NotNull Duration rateLimitKeyIdle,
        @DefaultValue("PT5S") @NotNull Duration downstreamTimeout,
        @DefaultValue("PT10S") @NotNull Duration circuitOpenDuration,
        @DefaultValue("PT2S") @NotNull Duration unavailableRetryAfter,
        @DefaultValue("PT30S") @NotNull Duration tokenClockSkew,
        @DefaultValue("http://localhost:8889") @NotNull URI storageUrl,
        @DefaultValue("http://localhost:8890") @NotNull URI authUrl) {

    @ConstructorBinding
    public GatewayProperties {
        schedulerUrl = schedulerUrl == null ? null : List.copyOf(schedulerUrl);
        if (rateLimitBurst < 0) {
            throw new IllegalArgumentException("holon.gateway.rate-limit-burst must not be negative");
        }
        if (downstreamTimeout != null && (downstreamTimeout.isNegative() || downstreamTimeout.isZero())) {
            throw new IllegalArgumentException("holon.gateway.downstream-timeout must be positive");
        }
    }

    /** With one scheduler-service instance and storage-service at its default address. */
    public GatewayProperties(URI registryUrl, URI schedulerUrl, int rateLimitPerSecond, int rateLimitBurst,
                             int rateLimitMaxKeys, Duration rateLimitKeyIdle, Duration downstreamTimeout,
                             Duration circuitOpenDuration, Duration unavailableRetryAfter, Duration tokenClockSkew) {
        this(registryUrl, List.of(schedulerUrl), rateLimitPerSecond, rateLimitBurst, rateLimitMaxKeys, rateLimitKeyIdle,
                downstreamTimeout, circuitOpenDuration, unavailableRetryAfter, tokenClockSkew);
    }

    /** With auth-service at its default address. */
    public GatewayProperties(URI registryUrl, List<URI> schedulerUrl, int rateLimitPerSecond, int rateLimitBurst,
                             int rateLimitMaxKeys, Duration rateLimitKeyIdle, Duration downstreamTimeout,
                             Duration circuitOpenDuration, Duration unavailableRetryAfter, Duration tokenClockSkew,
                             URI storageUrl) {
        this(registryUrl, schedulerUrl, rateLimitPerSecond, rateLimitBurst, rateLimitMaxKeys, rateLimitKeyIdle,
                downstreamTimeout, circuitOpenDuration, unavailableRetryAfter, tokenClockSkew, storageUrl,
                URI.create("http://localhost:8890"));
    }

    /** With storage-service and auth-service at their default addresses. */
    public GatewayProperties(URI registryUrl, List<URI> schedulerUrl, int rateLimitPerSecond, int rateLimitBurst,
                             int rateLimitMaxKeys, Duration rateLimitKeyIdle, Duration downstreamTimeout,
                             Duration circuitOpenDuration, Duration unavailableRetryAfter, Duration tokenClockSkew) {
        this(registryUrl, schedulerUrl, rateLimitPerSecond, rateLimitBurst, rateLimitMaxKeys, rateLimitKeyIdle,
                downstreamTimeout, circuitOpenDuration, unavailableRetryAfter, tokenClockSkew,
                URI.create("http://localhost:8889"));
    }

    /** The bucket size: {@link #rateLimitBurst()} or, when unset, one second's worth of requests. */
    public int effectiveBurst() {
        return rateLimitBurst > 0 ? rateLimitBurst : rateLimitPerSecond;
    }
}
