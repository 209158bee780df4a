package dev.holon.scheduler.placement;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.holon.scheduler.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;

class InputLocalityScorerTest {

    private static String placedOn(PlacementPlanner planner, ClusterSnapshot snapshot, TaskRequest task) {
        return ((TaskPlacement.Placed) planner.begin(snapshot).place(task)).nodeId();
    }

    private static ClusterSnapshot equalNodes(int count) {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node("n" + i, 4000, 8192, 0));
        }
        return ClusterSnapshot.of(nodes);
    }

    /** With otherwise equal nodes (every one scored, as in clusters of up to 16), the task goes where its data is. */
    @Property(tries = 200)
    void withOtherwiseEqualNodesTheTaskGoesWhereItsDataIs(@ForAll @IntRange(min = 2, max = 16) int nodes,
            @ForAll @IntRange(min = 0, max = 15) int holder, @ForAll boolean spread) {
        String dataNode = "n" + (holder % nodes);
        LocalityScorer locality = new InputLocalityScorer(Map.of("job",
                new InputLocalityScorer.JobInputs(1000, Map.of(dataNode, 1000L))));
        PlacementPlanner planner = new PlacementPlanner(PlacementOptions.DEFAULTS, TenantQuota.UNLIMITED, locality);
        TaskRequest task = TaskRequest.builder("job").cpuMillis(100).memoryMiB(64)
                .strategy(spread ? Strategy.SPREAD : Strategy.BINPACK).build();
        assertThat(placedOn(planner, equalNodes(nodes), task)).isEqualTo(dataNode);
    }

    @Test
    void theNodeHoldingMoreOfTheInputsWins() {
        LocalityScorer locality = new InputLocalityScorer(Map.of("job",
                new InputLocalityScorer.JobInputs(1000, Map.of("n1", 300L, "n2", 900L, "n3", 600L))));
        PlacementPlanner planner = new PlacementPlanner(PlacementOptions.DEFAULTS, TenantQuota.UNLIMITED, locality);
        TaskRequest task = TaskRequest.builder("job").cpuMillis(100).memoryMiB(64).build();
        assertThat(placedOn(planner, equalNodes(4), task)).isEqualTo("n2");
    }

    @Test
    void aJobWithoutKnownInputsHasNoLocality() {
        InputLocalityScorer scorer = new InputLocalityScorer(Map.of("job",
                new InputLocalityScorer.JobInputs(0, Map.of())));
        TaskRequest task = TaskRequest.builder("job").cpuMillis(100).memoryMiB(64).build();
        assertThat(scorer.appliesTo(task)).isFalse();
        assertThat(scorer.appliesTo(TaskRequest.builder("other").cpuMillis(100).memoryMiB(64).build())).isFalse();
        InputLocalityScorer some = new InputLocalityScorer(Map.of("job",
                new InputLocalityScorer.JobInputs(100, Map.of("n1", 50L))));
        assertThat(some.appliesTo(task)).isTrue();
        assertThat(some.score(task, node("n1", 1, 1, 0))).isEqualTo(0.5);
        assertThat(some.score(task, node("n9", 1, 1, 0))).isZero();
    }
}
