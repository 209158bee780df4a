package dev.holon.worker.chunks;

import jakarta.validation.constraints.AssertTrue;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code holon.worker.chunks.*}: the replicas this worker stores and serves (see docs/storage-data-path.md).
 *
 * @param tokenSecret         the key chunk tokens are signed with, the same as storage-service's
 *                            {@code holon.storage.chunk-token-secret} (at least 32 bytes)
 * @param maxChunkBytes       the largest chunk accepted (413 above)
 * @param scrubInterval       time between two scrubs (re-reading every replica)
 * @param scrubBytesPerSecond how fast a scrub may read
 * @param pipelineTimeout     longest time a downstream worker of a pipeline (or a replicate target) may take
 * @param connectTimeout      connect timeout to a downstream worker
 * @param syncOnClose         fsync every replica before answering a write (HDFS's {@code dfs.datanode.synconclose});
 *                            off by default, as in HDFS: the other replicas, not one disk's cache, keep a chunk
 *                            through a crash, and checksums find a replica that lost its bytes
 * @param recycleBytes        how many bytes of deleted replicas' data files to keep so that new replicas are written
 *                            over them (their page cache and disk blocks reused); 0 frees every one at once
 */
@Validated
@ConfigurationProperties("holon.worker.chunks")
public record ChunkProperties(String tokenSecret, DataSize maxChunkBytes, Duration scrubInterval,
                              DataSize scrubBytesPerSecond, Duration pipelineTimeout, Duration connectTimeout,
                              boolean syncOnClose, DataSize recycleBytes) {

    public ChunkProperties {
        maxChunkBytes = maxChunkBytes != null ? maxChunkBytes : DataSize.ofMegabytes(64);
        scrubInterval = scrubInterval != null ? scrubInterval : Duration.ofHours(1);
        scrubBytesPerSecond = scrubBytesPerSecond != null ? scrubBytesPerSecond : DataSize.ofMegabytes(32);
        pipelineTimeout = pipelineTimeout != null ? pipelineTimeout : Duration.ofSeconds(30);
        connectTimeout = connectTimeout != null ? connectTimeout : Duration.ofSeconds(2);
        recycleBytes = recycleBytes != null ? recycleBytes : DataSize.ofGigabytes(1);
    }

    @AssertTrue(message = "holon.worker.chunks.token-secret must be set (the same value as storage-service's "
            + "holon.storage.chunk-token-secret, env HOLON_CHUNK_TOKEN_SECRET) and have at least 32 bytes")
    public boolean isTokenSecretUsable() {
        return tokenSecret != null && tokenSecret.getBytes(StandardCharsets.UTF_8).length >= 32;
    }

    @AssertTrue(message = "holon.worker.chunks: max-chunk-bytes and scrub-bytes-per-second must be positive, "
            + "scrub-interval, pipeline-timeout and connect-timeout longer than zero, recycle-bytes not negative")
    public boolean isEveryLimitPositive() {
        return maxChunkBytes.toBytes() > 0 && scrubBytesPerSecond.toBytes() > 0 && positive(scrubInterval)
                && positive(pipelineTimeout) && positive(connectTimeout) && recycleBytes.toBytes() >= 0;
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }

    @Override
    public String toString() {
        return "ChunkProperties[tokenSecret=***, maxChunkBytes=" + maxChunkBytes + ", scrubInterval=" + scrubInterval
                + ", scrubBytesPerSecond=" + scrubBytesPerSecond + ", pipelineTimeout=" + pipelineTimeout
                + ", connectTimeout=" + connectTimeout + ", syncOnClose=" + syncOnClose + ", recycleBytes=" + recycleBytes
                + "]";
    }
}
