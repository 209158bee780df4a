package dev.holon.scheduler;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Scheduler settings ({@code holon.scheduler.*}).
 *
 * @param registryUrl        where the registry's {@code /api/v1/nodes} is served
 * @param clientId           Keycloak client the scheduler calls the registry as (client credentials)
 * @param clientSecret       its secret
 * @param maxTasksPerJob     the largest array a job may ask for
 * @param placementInterval  how often the leader places pending tasks
 * @param nodeViewRefresh    how often the leader re-reads the registry's nodes (not on every placement pass)
 * @param leaderRetry        how often every replica tries to become (or checks it still is) the leader
 * @param placementBatch     pending tasks placed per pass (one transaction)
 * @param idempotencyWindow  how long an {@code Idempotency-Key} is remembered
 * @param maxRetryBackoff    the longest a failed task waits before its next attempt
 * @param reconcileInterval  how often the leader compares the tasks on nodes with the registry's view (DOWN, draining)
 */
@Validated
@ConfigurationProperties("holon.scheduler")
public record SchedulerProperties(
        @NotBlank @DefaultValue("http://localhost:8081") String registryUrl,
        @NotBlank @DefaultValue("holon-service") String clientId,
        @NotBlank @DefaultValue("holon-service-secret") String clientSecret,
        @Min(1) @Max(100_000) @DefaultValue("1000") int maxTasksPerJob,
        @NotNull @DefaultValue("PT0.2S") Duration placementInterval,
        @NotNull @DefaultValue("PT1S") Duration nodeViewRefresh,
        @NotNull @DefaultValue("PT1S") Duration leaderRetry,
        @Min(1) @DefaultValue("500") int placementBatch,
        @NotNull @DefaultValue("PT24H") Duration idempotencyWindow,
        @NotNull @DefaultValue("PT5M") Duration maxRetryBackoff,
        @NotNull @DefaultValue("PT5S") Duration reconcileInterval) {
}
