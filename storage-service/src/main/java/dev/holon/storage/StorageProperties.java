package dev.holon.storage;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Storage settings ({@code holon.storage.*}).
 *
 * @param registryUrl          where the registry's {@code /api/v1/nodes} is served
 * @param clientId             Keycloak client storage-service calls the registry as (client credentials)
 * @param clientSecret         its secret
 * @param chunkSize            files are cut into chunks of this size (the last one shorter)
 * @param replication          default replication factor of a file
 * @param maxReplication       the largest replication a file may ask for
 * @param writeQuorum          replicas a chunk needs before an upload may commit
 * @param maxUploadBytes       the largest file accepted (413 above)
 * @param chunksInFlight       chunks of one upload or download in memory at once, on their way to workers or
 *                             fetched ahead and being written (memory per transfer = this x chunk size)
 * @param chunkAttempts        first workers tried for one chunk before the upload fails
 * @param chunkTokenSecret     HMAC key shared with the workers (at least 32 bytes)
 * @param chunkTokenTtl        lifetime of a chunk token
 * @param directUploadTtl      how long a direct upload may take (its WRITE tokens' lifetime), and a locate's READ tokens
 * @param workerConnectTimeout connect timeout of a call to a worker
 * @param workerTimeout        longest a worker call may take
 * @param workerAttempts       tries per worker call on connection errors and 5xx
 * @param nodeViewRefresh      how often the registry's node list is re-read (node events refresh it at once too)
 * @param leaderRetry          how often each replica tries to become the repair leader
 * @param repairInterval       how often the leader compares replicas with the live nodes (level-triggered)
 * @param repairConcurrency    copies and deletes the leader runs at once
 * @param repairBatch          chunks looked at per repair pass
 * @param abandonedUploadAfter an upload still writing after this long belongs to a dead replica: its chunks go
 */
@Validated
@ConfigurationProperties("holon.storage")
public record StorageProperties(
        @NotBlank @DefaultValue("http://localhost:8081") String registryUrl,
        @NotBlank @DefaultValue("holon-service") String clientId,
        @NotBlank @DefaultValue("holon-service-secret") String clientSecret,
        @NotNull @DefaultValue("8MB") DataSize chunkSize,
        @Min(1) @Max(10) @DefaultValue("3") int replication,
        @Min(1) @Max(10) @DefaultValue("5") int maxReplication,
        @Min(1) @DefaultValue("2") int writeQuorum,
        @NotNull @DefaultValue("10GB") DataSize maxUploadBytes,
        @Min(1) @Max(64) @DefaultValue("4") int chunksInFlight,
        @Min(1) @DefaultValue("3") int chunkAttempts,
        @NotBlank String chunkTokenSecret,
        @NotNull @DefaultValue("PT60S") Duration chunkTokenTtl,
        @NotNull @DefaultValue("PT1S") Duration workerConnectTimeout,
        @NotNull @DefaultValue("PT30S") Duration workerTimeout,
        @Min(1) @DefaultValue("2") int workerAttempts,
        @NotNull @DefaultValue("PT5S") Duration nodeViewRefresh,
        @NotNull @DefaultValue("PT1S") Duration leaderRetry,
        @NotNull @DefaultValue("PT5S") Duration repairInterval,
        @Min(1) @DefaultValue("4") int repairConcurrency,
        @Min(1) @DefaultValue("1000") int repairBatch,
        @NotNull @DefaultValue("PT1H") Duration abandonedUploadAfter,
        @NotNull @DefaultValue("PT15M") Duration directUploadTtl) {
}
