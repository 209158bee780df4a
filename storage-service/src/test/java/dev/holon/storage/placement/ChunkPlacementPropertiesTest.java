package dev.holon.storage.placement;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkPlacementPropertiesTest {

    private final ZoneSpreadPlacement placement = new ZoneSpreadPlacement();
    private final RepairPlanner planner = new RepairPlanner(placement);

    @Provide
    Arbitrary<List<StorageNode>> clusters() {
        Arbitrary<StorageNode> node = Combinators.combine(
                Arbitraries.integers().between(0, 3),          // 0 DOWN, 1 SUSPECT, 2-3 UP
                Arbitraries.of(true, false, false, false),     // cordoned
                Arbitraries.of(true, false, false, false),     // draining
                Arbitraries.of("", "a", "b", "c"),
                Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.of(true, true, true, false))       // has an apiUrl
                .as((state, cordoned, draining, zone, free, url) -> new StorageNode("", url ? "http://x" : null,
                        state > 0, state > 1, cordoned, draining, zone, free));
        return node.list().ofMinSize(0).ofMaxSize(12).map(list -> {
            List<StorageNode> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                StorageNode n = list.get(i);
                named.add(new StorageNode("node-" + i, n.apiUrl(), n.alive(), n.up(), n.cordoned(), n.draining(), n.zone(), n.freeBytes()));
            }
            return named;
        });
    }

    @Property
    void newReplicasGoToDistinctWritableNodesNeverToHolders(@ForAll("clusters") List<StorageNode> nodes,
            @ForAll @IntRange(min = 1, max = 5) int count, @ForAll @IntRange(min = 0, max = 3) int holderCount,
            @ForAll("chunkIds") String chunkId) {
        List<StorageNode> holders = nodes.stream().limit(holderCount).toList();
        List<StorageNode> chosen = placement.chooseTargets(chunkId, count, holders, nodes);

        assertThat(chosen).hasSizeLessThanOrEqualTo(count);
        assertThat(chosen.stream().map(StorageNode::id).distinct().count()).isEqualTo(chosen.size());
        assertThat(chosen).allSatisfy(n -> {
            assertThat(n.writable()).as("writable: UP, not cordoned, not draining, has an apiUrl").isTrue();
            assertThat(holders).doesNotContain(n);
        });
        long available = nodes.stream().filter(StorageNode::writable).filter(n -> !holders.contains(n)).count();
        assertThat(chosen).hasSize((int) Math.min(count, available));
    }

    @Property
    void spreadsAcrossZonesWhenThereAreEnough(@ForAll("clusters") List<StorageNode> nodes, @ForAll("chunkIds") String chunkId) {
        List<StorageNode> chosen = placement.chooseTargets(chunkId, 3, List.of(), nodes);
        long zonesAvailable = nodes.stream().filter(StorageNode::writable).map(StorageNode::zone).distinct().count();
        long zonesUsed = chosen.stream().map(StorageNode::zone).distinct().count();
        assertThat(zonesUsed).isEqualTo(Math.min(zonesAvailable, chosen.size()));
    }

    @Property
    void sameInputsSamePlacement(@ForAll("clusters") List<StorageNode> nodes, @ForAll("chunkIds") String chunkId) {
        assertThat(placement.chooseTargets(chunkId, 3, List.of(), nodes))
                .isEqualTo(placement.chooseTargets(chunkId, 3, List.of(), List.copyOf(nodes)));
    }

    @Provide
    Arbitrary<String> chunkIds() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(36);
    }

    @Provide
    Arbitrary<List<RepairPlanner.ChunkReplicas>> chunks() {
        Arbitrary<RepairPlanner.Replica> replica = Combinators.combine(Arbitraries.integers().between(0, 13),
                Arbitraries.of(false, false, false, true)).as((i, corrupt) -> new RepairPlanner.Replica("node-" + i, corrupt));
        return Combinators.combine(Arbitraries.integers().between(1, 4), replica.list().ofMaxSize(6))
                .as((rf, replicas) -> new RepairPlanner.ChunkReplicas("c", rf, replicas))
                .list().ofMaxSize(8).map(list -> {
                    List<RepairPlanner.ChunkReplicas> named = new ArrayList<>();
                    for (int i = 0; i < list.size(); i++) {
                        named.add(new RepairPlanner.ChunkReplicas("chunk-" + i, list.get(i).replication(), list.get(i).replicas()));
                    }
                    return named;
                });
    }

    @Property
    void repairCopiesFromHealthySourcesToNewDistinctWritableNodes(@ForAll("clusters") List<StorageNode> nodes,
            @ForAll("chunks") List<RepairPlanner.ChunkReplicas> chunks) {
        RepairPlanner.Plan plan = planner.plan(chunks, nodes);
        Map<String, RepairPlanner.ChunkReplicas> byId = chunks.stream()
                .collect(Collectors.toMap(RepairPlanner.ChunkReplicas::chunkId, Function.identity()));
        Set<String> targetsPerChunk = new HashSet<>();
        for (RepairPlanner.Copy copy : plan.copies()) {
            RepairPlanner.ChunkReplicas chunk = byId.get(copy.chunkId());
            assertThat(copy.target().writable()).isTrue();
            assertThat(chunk.replicas()).noneMatch(r -> r.nodeId().equals(copy.target().id()));
            assertThat(targetsPerChunk.add(copy.chunkId() + "/" + copy.target().id())).as("one copy per target").isTrue();
            assertThat(copy.source().readable()).isTrue();
            assertThat(chunk.replicas()).anyMatch(r -> r.nodeId().equals(copy.source().id()) && !r.corrupt());
        }
        for (int i = 1; i < plan.copies().size(); i++) {
            assertThat(plan.copies().get(i - 1).liveReplicas()).isLessThanOrEqualTo(plan.copies().get(i).liveReplicas());
        }
        Map<String, StorageNode> nodeById = nodes.stream()
                .collect(Collectors.toMap(StorageNode::id, Function.identity(), (a, b) -> a));
        for (RepairPlanner.Trim trim : plan.trims()) {
            assertThat(trim.node().up()).as("only a node that can answer is asked to delete").isTrue();
            if (trim.reason().equals("corrupt")) {
                assertThat(byId.get(trim.chunkId()).replicas()).as("a good replica is left to copy from")
                        .anyMatch(r -> !r.corrupt() && nodeById.containsKey(r.nodeId())
                                && nodeById.get(r.nodeId()).readable());
            } else {
                assertThat(plan.copies()).noneMatch(c -> c.chunkId().equals(trim.chunkId()));
            }
        }
        assertThat(planner.plan(chunks, List.copyOf(nodes))).isEqualTo(plan);
    }

    @Property
    void aRepairedChunkNeverEndsWithTwoReplicasOnOneNode(@ForAll("clusters") List<StorageNode> nodes,
            @ForAll("chunks") List<RepairPlanner.ChunkReplicas> chunks) {
        RepairPlanner.Plan plan = planner.plan(chunks, nodes);
        for (RepairPlanner.ChunkReplicas chunk : chunks) {
            List<String> after = new ArrayList<>(chunk.replicas().stream().map(RepairPlanner.Replica::nodeId).distinct().toList());
            plan.copies().stream().filter(c -> c.chunkId().equals(chunk.chunkId())).forEach(c -> after.add(c.target().id()));
            assertThat(new HashSet<>(after)).hasSameSizeAs(after);
        }
    }
}
