package dev.holon.storage.repair;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.support.kafka.ProcessedEvents;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** A deleted file's chunks leave the workers at once: its fact asks for a repair pass, a written file's does not. */
class StorageFactsTest {

    private final RepairLoop repair = mock(RepairLoop.class);
    private final ChunkRepository chunks = mock(ChunkRepository.class);
    private final StorageFacts facts = new StorageFacts(mock(NodeDirectory.class), repair, chunks,
            mock(ProcessedEvents.class), mock(TransactionTemplate.class));

    private static EventEnvelope<Object> envelope(Object data) {
        return new EventEnvelope<>("e-1", "t", "storage-service", Instant.EPOCH, "f-1", "default", 1, data);
    }

    @Test
    void aDeletedFileAsksForAPassAtOnce() {
        facts.onStorageEvent(envelope(new StorageEvent.FileDeleted("f-1", "default", "/default/a.bin")));

        verify(repair).wake();
        verifyNoInteractions(chunks);
    }

    @Test
    void aWrittenFileDoesNot() {
        facts.onStorageEvent(envelope(new StorageEvent.FileWritten("f-1", "default", "/default/a.bin", 1, 1, "c")));

        verify(repair, never()).wake();
    }
}
