package dev.holon.worker.chunks;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.RetryingFactSender;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/**
 * Publishes {@code StorageEvent.ChunkCorrupted} on {@code holon.storage.events}, keyed by chunk id, retried a few
 * times (the next scrub reports it again anyway).
 */
final class KafkaChunkCorruption implements ChunkCorruption {

    private final RetryingFactSender sender;
    private final Envelopes envelopes;
    private final String nodeId;
    private final Clock clock;

    KafkaChunkCorruption(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes, String nodeId,
                         Clock clock) {
        this.sender = new RetryingFactSender(kafka, "chunk-report-retry");
        this.envelopes = envelopes;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    @Override
    public void found(String chunkId, String expectedChecksum, String actualChecksum) {
        StorageEvent.ChunkCorrupted event = new StorageEvent.ChunkCorrupted(chunkId, nodeId, expectedChecksum,
                actualChecksum, clock.instant());
        sender.send(Topics.STORAGE_EVENTS, chunkId, envelopes.wrap(chunkId, null, event),
                "ChunkCorrupted of chunk " + chunkId);
    }

    void close() {
        sender.close();
    }
}
