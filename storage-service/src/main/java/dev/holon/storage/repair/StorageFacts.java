package dev.holon.storage.repair;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.support.kafka.ProcessedEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Facts that start repair work: node changes ({@code holon.node.events}: the node view is re-read and a pass
 * runs) and {@code ChunkCorrupted} from the workers' scrubbers ({@code holon.storage.events}: the replica is marked
 * corrupt, so the next pass copies a healthy one elsewhere and deletes it). A {@code FileDeleted} of our own asks for
 * a pass at once, so that the workers get the deleted file's space back (and reuse its files) without waiting for the
 * next scheduled one. Idempotent (envelope ids are recorded; a pass more is harmless).
 */
@Component
public class StorageFacts {

    private static final Logger log = LoggerFactory.getLogger(StorageFacts.class);

    private final NodeDirectory directory;
    private final RepairLoop repair;
    private final ChunkRepository chunks;
    private final ProcessedEvents processed;
    private final TransactionTemplate tx;

    public StorageFacts(NodeDirectory directory, RepairLoop repair, ChunkRepository chunks, ProcessedEvents processed,
            TransactionTemplate tx) {
        this.directory = directory;
        this.repair = repair;
        this.chunks = chunks;
        this.processed = processed;
        this.tx = tx;
    }

    @KafkaListener(topics = Topics.NODE_EVENTS, groupId = "${spring.application.name}-nodes-${random.uuid}",
            properties = "auto.offset.reset=latest")
    public void onNodeEvent(EventEnvelope<Object> envelope) {
        if (envelope.data() instanceof NodeEvent) {
            directory.refresh(); // every replica keeps its own view fresh (each group id is its own)
            repair.wake();
        }
    }

    @KafkaListener(topics = Topics.STORAGE_EVENTS, groupId = "${spring.application.name}",
            properties = "auto.offset.reset=earliest")
    public void onStorageEvent(EventEnvelope<Object> envelope) {
        if (envelope.data() instanceof StorageEvent.FileDeleted) {
            repair.wake(); // its chunks leave the workers now, not at the next scheduled pass
            return;
        }
        if (!(envelope.data() instanceof StorageEvent.ChunkCorrupted corrupted)) {
            return; // our own file facts
        }
        boolean marked = Boolean.TRUE.equals(tx.execute(s -> processed.firstDelivery("storage-corruption", envelope.id())
                && chunks.markCorrupt(corrupted.chunkId(), corrupted.nodeId())));
        if (marked) {
            log.info("Replica of chunk {} on node {} reported corrupt; it will be replaced", corrupted.chunkId(),
                    corrupted.nodeId());
            repair.wake();
        }
    }
}
