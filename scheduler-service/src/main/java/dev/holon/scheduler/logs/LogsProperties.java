package dev.holon.scheduler.logs;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * How the scheduler reaches workers for task logs ({@code holon.scheduler.logs.*}).
 *
 * @param connectTimeout     to open a connection to a worker
 * @param readTimeout        longest silence while reading a whole log or its tail
 * @param followIdleTimeout  longest silence on a live follow; the worker sends a keepalive every 15 s, so a longer
 *                           silence means the worker or the network is gone
 * @param retryAfter         the {@code Retry-After} of a 503 when a worker cannot be reached
 * @param failureRate        percentage of failed calls to one worker (over the last {@code window}) that opens its
 *                           circuit
 * @param window             calls to one worker the failure rate is computed over, and the least before it can open
 * @param openFor            how long an open circuit answers 503 at once before probing the worker again
 */
@Validated
@ConfigurationProperties("holon.scheduler.logs")
public record LogsProperties(
        @NotNull @DefaultValue("PT1S") Duration connectTimeout,
        @NotNull @DefaultValue("PT10S") Duration readTimeout,
        @NotNull @DefaultValue("PT45S") Duration followIdleTimeout,
        @NotNull @DefaultValue("PT5S") Duration retryAfter,
        @DecimalMin("1") @DecimalMax("100") @DefaultValue("50") float failureRate,
        @Min(1) @DefaultValue("4") int window,
        @NotNull @DefaultValue("PT10S") Duration openFor) {
}
