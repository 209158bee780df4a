package dev.holon.storage.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares each chunk's replicas with its replication factor and the live nodes, and lists what to do: copies to
 * make (fewest live replicas first, from a readable uncorrupted replica to a new distinct writable node chosen by
 * {@link ChunkPlacement}) and replicas to trim (corrupt ones and those on draining nodes once enough good ones exist
 * — a corrupt one earlier when its node is the only place left for a good copy — and extras beyond the
 * replication factor). A replica on a node that is alive but not UP (SUSPECT) still counts,
 * so a short hiccup does not start copies; one on a DOWN or unknown node does not count and is never trimmed (the
 * node cannot answer). Plain Java, deterministic for the same inputs.
 */
public final class RepairPlanner {

    /** One replica as the namespace records it. */
    public record Replica(String nodeId, boolean corrupt) {
    }

    /** A chunk, its wanted replication and its recorded replicas. */
    public record ChunkReplicas(String chunkId, int replication, List<Replica> replicas) {
    }

    /** Copy {@code chunkId} from {@code source} to {@code target}; {@code liveReplicas} is why it is urgent. */
    public record Copy(String chunkId, StorageNode source, StorageNode target, int liveReplicas) {
    }

    /** Delete the replica of {@code chunkId} on {@code node}. */
    public record Trim(String chunkId, StorageNode node, String reason) {
    }

    public record Plan(List<Copy> copies, List<Trim> trims) {
    }

    private final ChunkPlacement placement;

    public RepairPlanner(ChunkPlacement placement) {
        this.placement = placement;
    }

    public Plan plan(List<ChunkReplicas> chunks, List<StorageNode> nodes) {
        Map<String, StorageNode> byId = nodes.stream()
                .collect(Collectors.toMap(StorageNode::id, Function.identity(), (a, b) -> a));
        List<Copy> copies = new ArrayList<>();
        List<Trim> trims = new ArrayList<>();
        List<ChunkReplicas> ordered = chunks.stream().sorted(Comparator.comparing(ChunkReplicas::chunkId)).toList();
        for (ChunkReplicas chunk : ordered) {
            planChunk(chunk, byId, nodes, copies, trims);
        }
        copies.sort(Comparator.comparingInt(Copy::liveReplicas).thenComparing(Copy::chunkId)
                .thenComparing(c -> c.target().id()));
        return new Plan(List.copyOf(copies), List.copyOf(trims));
    }

    private void planChunk(ChunkReplicas chunk, Map<String, StorageNode> byId, List<StorageNode> nodes,
            List<Copy> copies, List<Trim> trims) {
        List<StorageNode> good = new ArrayList<>();      // count towards the replication factor
        List<StorageNode> sources = new ArrayList<>();   // may be copied from
        List<StorageNode> holders = new ArrayList<>();   // hold some replica row: never a target
        List<StorageNode> corrupt = new ArrayList<>();   // bad bytes on an UP node: trim once replaced
        List<StorageNode> leaving = new ArrayList<>();   // draining, readable: trim once replaced
        Set<String> seen = new HashSet<>();
        for (Replica replica : chunk.replicas().stream().sorted(Comparator.comparing(Replica::nodeId)).toList()) {
            if (!seen.add(replica.nodeId())) {
                continue;
            }
            StorageNode node = byId.get(replica.nodeId());
            if (node == null) {
                holders.add(new StorageNode(replica.nodeId(), null, false, false, false, false, "", 0));
                continue;
            }
            holders.add(node);
            if (replica.corrupt()) {
                if (node.up()) {
                    corrupt.add(node);
                }
                continue;
            }
            if (node.readable()) {
                sources.add(node);
            }
            if (node.alive() && !node.draining()) {
                good.add(node);
            } else if (node.draining() && node.up()) {
                leaving.add(node);
            }
        }
        int missing = chunk.replication() - good.size();
        if (missing > 0) {
            if (sources.isEmpty()) {
                return; // nothing readable now; a later pass tries again
            }
            List<StorageNode> targets = placement.chooseTargets(chunk.chunkId(), missing, holders, nodes);
            for (int i = 0; i < targets.size(); i++) {
                copies.add(new Copy(chunk.chunkId(), sources.get(i % sources.size()), targets.get(i), good.size()));
            }
            if (targets.isEmpty()) {
                // No other node can take a good copy while corrupt replicas occupy theirs (a cluster as small as
                // the replication factor): free those nodes now, the next pass copies a good replica there.
                corrupt.forEach(node -> trims.add(new Trim(chunk.chunkId(), node, "corrupt")));
            }
            return; // otherwise trims wait until the copies landed
        }
        if (!sources.isEmpty()) {
            corrupt.forEach(node -> trims.add(new Trim(chunk.chunkId(), node, "corrupt")));
        }
        for (StorageNode node : leaving) {
            trims.add(new Trim(chunk.chunkId(), node, "draining"));
        }
        if (missing < 0) {
            for (StorageNode extra : extras(good, chunk.replication())) {
                trims.add(new Trim(chunk.chunkId(), extra, "over-replicated"));
            }
        }
    }

    /** Keeps the replicas that spread over most zones (then the UP ones, then by id); returns the rest (UP only). */
    private static List<StorageNode> extras(List<StorageNode> good, int replication) {
        List<StorageNode> sorted = new ArrayList<>(good);
        sorted.sort(Comparator.comparing((StorageNode n) -> !n.up()).thenComparing(StorageNode::id));
        List<StorageNode> keep = new ArrayList<>();
        Set<String> zones = new HashSet<>();
        for (StorageNode node : sorted) {
            if (keep.size() < replication && zones.add(node.zone())) {
                keep.add(node);
            }
        }
        for (StorageNode node : sorted) {
            if (keep.size() < replication && !keep.contains(node)) {
                keep.add(node);
            }
        }
        List<StorageNode> rest = new ArrayList<>(sorted);
        rest.removeAll(keep);
        rest.removeIf(n -> !n.up());
        return rest;
    }
}
