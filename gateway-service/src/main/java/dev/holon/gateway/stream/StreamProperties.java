package dev.holon.gateway.stream;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The dashboard stream's settings ({@code holon.gateway.stream.*}).
 *
 * @param enabled       consume node and task facts from Kafka and serve {@code /api/v1/stream}
 * @param bufferSize    facts kept in memory for clients that resume with {@code Last-Event-ID}
 * @param keepalive     how often an idle stream gets a comment line (keeps proxies from closing it)
 * @param usageInterval at most one heartbeat (usage metrics) per node per this interval is passed on
 * @param groupPrefix   Kafka consumer group prefix; each replica adds a random suffix so every replica sees every fact
 */
@Validated
@ConfigurationProperties("holon.gateway.stream")
public record StreamProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2000") @Positive int bufferSize,
        @DefaultValue("PT15S") @NotNull Duration keepalive,
        @DefaultValue("PT2S") @NotNull Duration usageInterval,
        @DefaultValue("gateway-dashboard") @NotNull String groupPrefix) {
}
