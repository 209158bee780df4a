package dev.holon.worker.chunks;

import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;

import java.time.Clock;
import java.util.Optional;

/**
 * Decides whether a chunk request may go on: its {@code X-Holon-Chunk-Token} must be correctly signed with the
 * shared secret, unexpired, and grant exactly this operation on exactly this chunk. Plain Java, thread-safe.
 */
public final class ChunkAccess {

    private final ChunkToken tokens;
    private final Clock clock;

    public ChunkAccess(ChunkToken tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** This node's signed word that it stored the chunk, for whoever wrote it (docs/storage-data-path.md). */
    public String receipt(StoredChunk chunk, String nodeId) {
        return tokens.receipt(chunk.chunkId(), chunk.size(), chunk.checksum(), nodeId);
    }

    /** Why the request is refused (a message for the caller), or empty when the token permits it. */
    public Optional<String> refusal(String token, ChunkOp op, String chunkId) {
        if (token == null || token.isBlank()) {
            return Optional.of("a chunk request needs an " + ChunkToken.HEADER + " header");
        }
        Optional<ChunkToken.Grant> grant = tokens.verify(token.strip(), clock.instant());
        if (grant.isEmpty()) {
            return Optional.of("the chunk token is not valid or has expired");
        }
        if (!grant.get().permits(op, chunkId)) {
            return Optional.of("the chunk token permits " + grant.get().op() + " of chunk " + grant.get().chunkId()
                    + ", not " + op + " of chunk " + chunkId);
        }
        return Optional.empty();
    }
}
