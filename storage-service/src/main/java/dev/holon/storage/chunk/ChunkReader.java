package dev.holon.storage.chunk;

import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.ChunkNodeDraw;
import dev.holon.storage.placement.StorageNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reads one chunk from its replicas, verifying every read against the chunk's CRC32C. A mismatch, a broken body, a
 * refused connection or a dead node sends the read to the next replica, invisibly to the caller; a mismatch also
 * marks that replica corrupt, so the repair leader replaces it. Thread-safe.
 */
@Component
public class ChunkReader {

    private static final Logger log = LoggerFactory.getLogger(ChunkReader.class);

    private final ChunkClient client;
    private final NodeDirectory directory;
    private final ChunkRepository chunks;
    private final List<Runnable> onCorruption = new ArrayList<>();

    public ChunkReader(ChunkClient client, NodeDirectory directory, ChunkRepository chunks) {
        this.client = client;
        this.directory = directory;
        this.chunks = chunks;
    }

    /** Runs after a corrupt replica has been recorded (the repair loop wakes up). */
    public void onCorruption(Runnable listener) {
        onCorruption.add(listener);
    }

    /**
     * The chunk's verified bytes (one array of the chunk's size, nothing else of it kept), or empty when no replica
     * could deliver them.
     */
    public Optional<byte[]> read(ChunkRepository.Chunk chunk) {
        List<StorageNode> candidates = candidates(chunk);
        if (candidates.isEmpty()) {
            directory.refresh(); // a replica that just started, or nodes the last view did not know yet
            candidates = candidates(chunk);
        }
        candidates.sort(readOrder(chunk.id()));
        for (StorageNode node : candidates) {
            try {
                ChunkClient.Received received = client.get(node, chunk.id(), chunk.size());
                byte[] bytes = received.bytes();
                String actual = crc32c(bytes, (int) Math.min(received.length(), bytes.length));
                if (received.length() == chunk.size() && actual.equals(chunk.checksum())) {
                    return Optional.of(bytes);
                }
                log.warn("Replica of chunk {} on node {} is corrupt ({} bytes, checksum {}, instead of {} bytes, {})",
                        chunk.id(), node.id(), received.length() > chunk.size() ? "more than " + chunk.size()
                                : String.valueOf(received.length()), actual, chunk.size(), chunk.checksum());
                if (chunks.markCorrupt(chunk.id(), node.id())) {
                    onCorruption.forEach(Runnable::run);
                }
            } catch (ChunkClient.WorkerCallFailed e) {
                log.info("Reading chunk {} from node {} failed, trying another replica: {}", chunk.id(), node.id(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * The order to try a chunk's replicas in: UP nodes first, then SUSPECT ones (maybe alive), DOWN ones last; within
     * a state the order depends on the chunk (rendezvous hashing), so each node serves about its share of the
     * reads and one chunk is always read from the same, warm one.
     */
    public static Comparator<StorageNode> readOrder(String chunkId) {
        return Comparator.comparingInt((StorageNode n) -> n.up() ? 0 : n.alive() ? 1 : 2)
                .thenComparingLong(n -> ChunkNodeDraw.of(chunkId, n.id()));
    }

    private List<StorageNode> candidates(ChunkRepository.Chunk chunk) {
        List<StorageNode> candidates = new ArrayList<>();
        for (ChunkRepository.ReplicaRow replica : chunk.replicas()) {
            if (!replica.corrupt()) {
                directory.find(replica.nodeId()).filter(n -> n.apiUrl() != null).ifPresent(candidates::add);
            }
        }
        return candidates;
    }

    public static String crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
