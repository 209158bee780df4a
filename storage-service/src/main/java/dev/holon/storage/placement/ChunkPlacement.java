package dev.holon.storage.placement;

import java.util.Collection;
import java.util.List;

/**
 * Where replicas of a chunk go (the role of HDFS's BlockPlacementPolicy). Implementations are plain Java,
 * deterministic for the same inputs, and never return a node twice, a node already holding the chunk, or a node
 * that is not {@link StorageNode#writable()}.
 */
public interface ChunkPlacement {

    /**
     * Up to {@code count} new targets for {@code chunkId}, best first; fewer when not enough nodes qualify.
     *
     * @param holders nodes that already hold (or held) the chunk: never chosen, and their zones count as used
     */
    List<StorageNode> chooseTargets(String chunkId, int count, Collection<StorageNode> holders,
            Collection<StorageNode> nodes);
}
