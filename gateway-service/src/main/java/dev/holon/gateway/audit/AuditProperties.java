package dev.holon.gateway.audit;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The gateway's audit ({@code holon.gateway.audit.*}).
 *
 * @param enabled     publish audit facts to {@code holon.audit}
 * @param bufferSize  facts waiting for Kafka at most; more are dropped (and counted), never waited for
 * @param drainOnStop how long a stopping gateway keeps sending what is still buffered
 */
@Validated
@ConfigurationProperties("holon.gateway.audit")
public record AuditProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10000") @Positive int bufferSize,
        @DefaultValue("PT5S") @NotNull Duration drainOnStop) {
}
