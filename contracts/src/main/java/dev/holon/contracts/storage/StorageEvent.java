package dev.holon.contracts.storage;

import java.time.Instant;

/**
 * Storage facts on {@code holon.storage.events}. Workers publish {@link ChunkCorrupted} (key = chunk id) when
 * their scrubber or a read finds a replica whose bytes no longer match its checksum; storage-service publishes the
 * file facts (key = file id) through its outbox.
 */
public sealed interface StorageEvent {

    /** A replica on {@code nodeId} failed its checksum; storage-service replaces it from a healthy replica. */
    record ChunkCorrupted(String chunkId, String nodeId, String expectedChecksum, String actualChecksum,
            Instant detectedAt) implements StorageEvent {
    }

    /** A file's new content became visible (all its chunks reached their write quorum). */
    record FileWritten(String fileId, String tenant, String path, long size, long version, String checksum)
            implements StorageEvent {
    }

    /** A file left the namespace; its chunks are deleted from the workers in the background. */
    record FileDeleted(String fileId, String tenant, String path) implements StorageEvent {
    }
}
