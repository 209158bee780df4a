package dev.holon.worker.chunks;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.WorkerProperties;
import dev.holon.worker.identity.NodeIdentity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import java.io.IOException;
import java.time.Clock;

/**
 * The chunk store under {@code <data-dir>/chunks}, its HTTP side's collaborators, the scrubber and two gauges
 * ({@code holon_worker_chunks_bytes}, {@code holon_worker_chunks}) showing what the replicas take, and one for the
 * deleted replicas' files kept to be written over ({@code holon_worker_chunks_recycled_bytes}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChunkProperties.class)
class ChunksConfiguration {

    @Bean
    ChunkStore chunkStore(WorkerProperties worker, ChunkProperties properties, MeterRegistry meters) throws IOException {
        ChunkStore store = new ChunkStore(worker.dataDir().resolve("chunks"), properties.syncOnClose(),
                properties.recycleBytes().toBytes());
        Gauge.builder("holon.worker.chunks.bytes", store, ChunkStore::usedBytes)
                .description("bytes of the chunk replicas held by this worker").baseUnit("bytes").register(meters);
        Gauge.builder("holon.worker.chunks", store, ChunkStore::count)
                .description("chunk replicas held by this worker").register(meters);
        Gauge.builder("holon.worker.chunks.recycled.bytes", store, ChunkStore::recycledBytes)
                .description("bytes of deleted replicas' files kept to be written over").baseUnit("bytes")
                .register(meters);
        return store;
    }

    @Bean
    ChunkAccess chunkAccess(ChunkProperties properties, Clock clock) {
        return new ChunkAccess(ChunkToken.fromSecret(properties.tokenSecret()), clock);
    }

    @Bean
    ChunkForwarder chunkForwarder(ChunkProperties properties) {
        return new ChunkForwarder(properties.connectTimeout(), properties.pipelineTimeout());
    }

    @Bean(destroyMethod = "close")
    KafkaChunkCorruption chunkCorruption(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes,
                                         NodeIdentity identity, Clock clock) {
        return new KafkaChunkCorruption(kafka, envelopes, identity.nodeId(), clock);
    }

    @Bean
    ChunkScrubber chunkScrubber(ChunkStore store, ChunkCorruption corruption, ChunkProperties properties) {
        long rate = properties.scrubBytesPerSecond().toBytes();
        return new ChunkScrubber(store, corruption, () -> ByteRate.realTime(rate));
    }

    @Bean
    ChunkScrubLoop chunkScrubLoop(ChunkScrubber scrubber, ChunkProperties properties) {
        return new ChunkScrubLoop(scrubber, properties.scrubInterval());
    }
}
