package dev.holon.storage.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RepairPlannerTest {

    private final RepairPlanner planner = new RepairPlanner(new ZoneSpreadPlacement());

    private static StorageNode up(String id) {
        return new StorageNode(id, "http://" + id, true, true, false, false, "", 1L << 30);
    }

    private static StorageNode down(String id) {
        return new StorageNode(id, "http://" + id, false, false, false, false, "", 1L << 30);
    }

    private static RepairPlanner.ChunkReplicas chunk(String id, String... nodes) {
        return new RepairPlanner.ChunkReplicas(id, 3, java.util.Arrays.stream(nodes)
                .map(n -> new RepairPlanner.Replica(n, false)).toList());
    }

    @Test
    void copiesTheChunksOfADownNodeToTheNodeThatHasNone() {
        var plan = planner.plan(List.of(chunk("c1", "a", "b", "c")), List.of(up("a"), up("b"), down("c"), up("d")));
        assertThat(plan.copies()).singleElement().satisfies(copy -> {
            assertThat(copy.target().id()).isEqualTo("d");
            assertThat(copy.source().id()).isIn("a", "b");
            assertThat(copy.liveReplicas()).isEqualTo(2);
        });
        assertThat(plan.trims()).isEmpty();
    }

    @Test
    void copiesChunksWithFewestReplicasFirst() {
        var plan = planner.plan(List.of(chunk("two-left", "a", "b", "x"), chunk("one-left", "a", "x", "y")),
                List.of(up("a"), up("b"), up("d"), up("e"), down("x"), down("y")));
        assertThat(plan.copies().getFirst().chunkId()).isEqualTo("one-left");
    }

    @Test
    void trimsTheExtraReplicaWhenANodeComesBack() {
        var plan = planner.plan(List.of(chunk("c1", "a", "b", "c", "d")), List.of(up("a"), up("b"), up("c"), up("d")));
        assertThat(plan.copies()).isEmpty();
        assertThat(plan.trims()).singleElement().satisfies(t -> assertThat(t.reason()).isEqualTo("over-replicated"));
    }

    @Test
    void replacesACorruptReplicaThenTrimsIt() {
        var corrupt = new RepairPlanner.ChunkReplicas("c1", 3, List.of(new RepairPlanner.Replica("a", false),
                new RepairPlanner.Replica("b", false), new RepairPlanner.Replica("c", true)));
        List<StorageNode> nodes = List.of(up("a"), up("b"), up("c"), up("d"));
        assertThat(planner.plan(List.of(corrupt), nodes).copies()).singleElement()
                .satisfies(c -> assertThat(c.target().id()).isEqualTo("d"));

        var replaced = new RepairPlanner.ChunkReplicas("c1", 3, List.of(new RepairPlanner.Replica("a", false),
                new RepairPlanner.Replica("b", false), new RepairPlanner.Replica("c", true), new RepairPlanner.Replica("d", false)));
        assertThat(planner.plan(List.of(replaced), nodes).trims()).singleElement()
                .satisfies(t -> assertThat(t.node().id()).isEqualTo("c"));
    }

    @Test
    void onAsManyNodesAsReplicasTheCorruptReplicasNodeGetsAGoodOneOnceTheBadOneIsGone() {
        List<StorageNode> nodes = List.of(up("a"), up("b"), up("c"));
        var corrupt = new RepairPlanner.ChunkReplicas("c1", 3, List.of(new RepairPlanner.Replica("a", false),
                new RepairPlanner.Replica("b", false), new RepairPlanner.Replica("c", true)));
        var first = planner.plan(List.of(corrupt), nodes);
        assertThat(first.copies()).isEmpty();
        assertThat(first.trims()).singleElement().satisfies(t -> assertThat(t.node().id()).isEqualTo("c"));

        var trimmed = planner.plan(List.of(chunk("c1", "a", "b")), nodes);
        assertThat(trimmed.copies()).singleElement().satisfies(c -> assertThat(c.target().id()).isEqualTo("c"));
    }

    @Test
    void keepsACorruptReplicaWhileNoGoodOneCanBeRead() {
        var onlyCorrupt = new RepairPlanner.ChunkReplicas("c1", 3, List.of(new RepairPlanner.Replica("a", true),
                new RepairPlanner.Replica("b", false)));
        var plan = planner.plan(List.of(onlyCorrupt), List.of(up("a"), down("b"), up("c")));
        assertThat(plan.trims()).isEmpty();
        assertThat(plan.copies()).isEmpty();
    }

    @Test
    void movesReplicasOffADrainingNode() {
        StorageNode draining = new StorageNode("c", "http://c", true, true, false, true, "", 1L << 30);
        var plan = planner.plan(List.of(chunk("c1", "a", "b", "c")), List.of(up("a"), up("b"), draining, up("d")));
        assertThat(plan.copies()).singleElement().satisfies(c -> assertThat(c.target().id()).isEqualTo("d"));
        var after = planner.plan(List.of(chunk("c1", "a", "b", "c", "d")), List.of(up("a"), up("b"), draining, up("d")));
        assertThat(after.trims()).singleElement().satisfies(t -> assertThat(t.node().id()).isEqualTo("c"));
    }

    @Test
    void aSuspectNodeStillCountsSoNoCopyStarts() {
        StorageNode suspect = new StorageNode("c", "http://c", true, false, false, false, "", 1L << 30);
        assertThat(planner.plan(List.of(chunk("c1", "a", "b", "c")), List.of(up("a"), up("b"), suspect, up("d"))).copies())
                .isEmpty();
    }
}
