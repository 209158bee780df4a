package dev.holon.worker.chunks;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.support.kafka.Envelopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@code StorageEvent.ChunkCorrupted} on {@code holon.storage.events}, keyed by chunk id, retried a few
 * times (the producer is tuned to drop heartbeats quickly; a corruption is worth retrying, and the next scrub
 * reports it again anyway).
 */
final class KafkaChunkCorruption implements ChunkCorruption {

    private static final Logger log = LoggerFactory.getLogger(KafkaChunkCorruption.class);
    private static final int MAX_TRIES = 10;

    private final KafkaTemplate<String, EventEnvelope<?>> kafka;
    private final Envelopes envelopes;
    private final String nodeId;
    private final Clock clock;
    /** Retries on a thread of our own (the common pool cannot load Kafka classes in the Boot jar). */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("chunk-report-retry").factory());

    KafkaChunkCorruption(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes, String nodeId,
                         Clock clock) {
        this.kafka = kafka;
        this.envelopes = envelopes;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public void found(String chunkId, String expectedChecksum, String actualChecksum) {
        StorageEvent.ChunkCorrupted event = new StorageEvent.ChunkCorrupted(chunkId, nodeId, expectedChecksum,
                actualChecksum, clock.instant());
        send(envelopes.wrap(chunkId, null, event), chunkId, 1);
    }

    private void send(EventEnvelope<StorageEvent.ChunkCorrupted> envelope, String chunkId, int attempt) {
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(Topics.STORAGE_EVENTS, chunkId, envelope);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, error) -> {
            if (error == null) {
                return;
            }
            if (attempt >= MAX_TRIES) {
                log.warn("ChunkCorrupted of chunk {} not delivered after {} tries: {}", chunkId, attempt, error.toString());
                return;
            }
            retries.schedule(() -> send(envelope, chunkId, attempt + 1), attempt, TimeUnit.SECONDS);
        });
    }

    void close() {
        retries.shutdownNow();
    }
}
