package dev.holon.storage.placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spreads a chunk's replicas across zones (the {@code zone} label, else {@code rack}) and prefers nodes with more
 * free disk without sending every chunk to the same few nodes: each writable node gets a weighted pseudo-random key
 * derived from (chunk id, node id) (Efraimidis-Spirakis: {@code u^(1/weight)}, weight = free disk), so the choice
 * is deterministic for the same inputs, proportional to free disk over many chunks, and different per chunk. Then
 * nodes are taken best key first, first from zones not used yet, then from any zone. Stateless, thread-safe.
 */
public final class ZoneSpreadPlacement implements ChunkPlacement {

    @Override
    public List<StorageNode> chooseTargets(String chunkId, int count, Collection<StorageNode> holders,
            Collection<StorageNode> nodes) {
        Set<String> taken = new HashSet<>();
        Set<String> usedZones = new HashSet<>();
        for (StorageNode holder : holders) {
            taken.add(holder.id());
            usedZones.add(holder.zone());
        }
        Map<String, Double> keys = new HashMap<>();
        List<StorageNode> candidates = new ArrayList<>();
        for (StorageNode node : nodes) {
            if (node.writable() && !taken.contains(node.id()) && keys.putIfAbsent(node.id(), key(chunkId, node)) == null) {
                candidates.add(node);
            }
        }
        candidates.sort(Comparator.<StorageNode>comparingDouble(n -> keys.get(n.id())).reversed()
                .thenComparing(StorageNode::id));
        List<StorageNode> chosen = new ArrayList<>();
        while (chosen.size() < count && !candidates.isEmpty()) {
            StorageNode pick = candidates.stream().filter(n -> !usedZones.contains(n.zone())).findFirst()
                    .orElse(candidates.getFirst());
            candidates.remove(pick);
            chosen.add(pick);
            usedZones.add(pick.zone());
        }
        return chosen;
    }

    /** In (0, 1]; larger for more free disk; a stable draw of (chunk, node) stands in for the random one. */
    private static double key(String chunkId, StorageNode node) {
        double u = ChunkNodeDraw.unit(chunkId, node.id());
        double weight = Math.max(1.0, node.freeBytes() / (1024.0 * 1024.0)); // MiB, at least 1
        return Math.pow(u, 1.0 / weight);
    }
}
