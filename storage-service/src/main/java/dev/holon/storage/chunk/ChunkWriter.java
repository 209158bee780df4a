package dev.holon.storage.chunk;

import dev.holon.storage.StorageProperties;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.ChunkPlacement;
import dev.holon.storage.placement.StorageNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes one chunk the way docs/storage-data-path.md says: the bytes go once to the first chosen worker with the
 * other replicas as its pipeline; {@code storedOn} is counted against the write quorum. When the first worker fails
 * (or too few replicas answered) the chunk is sent again to other nodes, up to {@code chunk-attempts} times. The
 * replicas still missing after the quorum is reached are left to repair. Thread-safe.
 */
@Component
public class ChunkWriter {

    private static final Logger log = LoggerFactory.getLogger(ChunkWriter.class);

    private final ChunkClient client;
    private final ChunkPlacement placement;
    private final NodeDirectory directory;
    private final int quorum;
    private final int attempts;

    public ChunkWriter(ChunkClient client, ChunkPlacement placement, NodeDirectory directory, StorageProperties properties) {
        this.client = client;
        this.placement = placement;
        this.directory = directory;
        this.quorum = properties.writeQuorum();
        this.attempts = properties.chunkAttempts();
    }

    /** The quorum a chunk of this replication needs: the configured quorum, at most the replication itself. */
    public int quorum(int replication) {
        return Math.min(quorum, replication);
    }

    /** The nodes that stored the chunk; fewer than {@link #quorum(int)} means the write failed. */
    public Set<String> write(String chunkId, byte[] bytes, int length, String checksum, int replication) {
        List<StorageNode> nodes = directory.nodes();
        if (nodes.stream().noneMatch(StorageNode::writable)) {
            nodes = directory.refresh();
        }
        Set<String> stored = new LinkedHashSet<>();
        Set<String> failed = new HashSet<>();
        for (int attempt = 0; attempt < attempts && stored.size() < quorum(replication); attempt++) {
            List<StorageNode> holders = new ArrayList<>();
            for (StorageNode node : nodes) {
                if (stored.contains(node.id()) || failed.contains(node.id())) {
                    holders.add(node);
                }
            }
            List<StorageNode> targets = placement.chooseTargets(chunkId, replication - stored.size(), holders, nodes);
            if (targets.isEmpty()) {
                break;
            }
            try {
                ChunkClient.Stored answer = client.put(targets.getFirst(), targets.subList(1, targets.size()), chunkId,
                        bytes, length, checksum);
                stored.addAll(answer.storedOn());
                for (StorageNode target : targets) {
                    if (!answer.storedOn().contains(target.id())) {
                        failed.add(target.id()); // left out of the pipeline's answer: try others next time
                    }
                }
            } catch (ChunkClient.WorkerCallFailed e) {
                log.info("Chunk {} could not be written through node {}: {}", chunkId, targets.getFirst().id(), e.getMessage());
                failed.add(targets.getFirst().id());
            }
        }
        return stored;
    }
}
