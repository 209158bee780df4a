package dev.holon.scheduler.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.holon.scheduler.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;

/** Visit order, limit and select. */
class LimitAndSelectTest {

    private static ClusterSnapshot cluster(int n) {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node("n" + i, 1000, 1000, 0));
        }
        return ClusterSnapshot.of(nodes);
    }

    private static List<Integer> walk(VisitOrder order, int steps) {
        List<Integer> visited = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            visited.add(order.next());
        }
        return visited;
    }

    @Test
    void aRoundVisitsEveryNodeOnce() {
        for (int n : new int[] {1, 2, 3, 12, 97, 100, 1000}) {
            for (String job : new String[] {"a", "b", "job-42"}) {
                VisitOrder order = new VisitOrder(cluster(n), job);
                assertThat(new HashSet<>(walk(order, n))).as(n + " nodes, " + job).hasSize(n);
            }
        }
    }

    @Test
    void theSameJobWalksTheSameWayAndOtherJobsOtherWays() {
        ClusterSnapshot snapshot = cluster(500);
        assertThat(walk(new VisitOrder(snapshot, "job-1"), 50)).isEqualTo(walk(new VisitOrder(snapshot, "job-1"), 50));
        Set<Integer> firstNodes = new HashSet<>();
        for (int job = 0; job < 100; job++) {
            firstNodes.add(new VisitOrder(snapshot, "job-" + job).next());
        }
        assertThat(firstNodes).as("jobs start on different nodes").hasSizeGreaterThan(80);
    }

    @Test
    void theInputOrderOfNodesDoesNotMatter() {
        List<NodeSnapshot> nodes = new ArrayList<>(cluster(50).nodes());
        ClusterSnapshot forward = ClusterSnapshot.of(nodes);
        java.util.Collections.reverse(nodes);
        ClusterSnapshot backward = ClusterSnapshot.of(nodes);
        VisitOrder a = new VisitOrder(forward, "job");
        VisitOrder b = new VisitOrder(backward, "job");
        for (int i = 0; i < 50; i++) {
            assertThat(forward.node(a.next()).id()).isEqualTo(backward.node(b.next()).id());
        }
    }

    @Test
    void stopsAtTheLimitAndKeepsTheBest() {
        CandidateSelector selector = new CandidateSelector(0, 0.0);
        selector.reset(2);
        assertThat(selector.offer(7, 0.3)).isFalse();
        assertThat(selector.offer(4, 0.5)).isTrue();
        assertThat(selector.best()).isEqualTo(4);
        assertThat(selector.bestScore()).isEqualTo(0.5);
    }

    @Test
    void tiesGoToTheFirstVisited() {
        CandidateSelector selector = new CandidateSelector(0, 0.0);
        selector.reset(3);
        selector.offer(9, 0.5);
        selector.offer(1, 0.5);
        assertThat(selector.best()).isEqualTo(9);
    }

    @Test
    void penalisedNodesDoNotCountTowardsTheLimitUpToMaxSkip() {
        CandidateSelector selector = new CandidateSelector(2, 0.0);
        selector.reset(1);
        assertThat(selector.offer(1, -0.2)).isFalse();
        assertThat(selector.offer(2, -0.1)).isFalse();
        assertThat(selector.offer(3, -0.3)).as("skip budget spent").isTrue();
        assertThat(selector.best()).isEqualTo(2);
        selector.reset(1);
        assertThat(selector.best()).isEqualTo(-1);
    }

    @Test
    void nodeCounterCountsPerNode() {
        NodeCounter counter = new NodeCounter();
        for (int node = 0; node < 1000; node++) {
            for (int k = 0; k <= node % 3; k++) {
                counter.increment(node * 7);
            }
        }
        for (int node = 0; node < 1000; node++) {
            assertThat(counter.get(node * 7)).isEqualTo(node % 3 + 1);
        }
        assertThat(counter.get(1)).isZero();
    }

    @Test
    void limitDependsOnClusterSizeAndPreferences() {
        PlacementOptions options = PlacementOptions.DEFAULTS;
        assertThat(options.limitFor(16, false)).isEqualTo(Integer.MAX_VALUE);
        assertThat(options.limitFor(17, false)).isEqualTo(2);
        assertThat(options.limitFor(5000, true)).isEqualTo(8);
        assertThat(PlacementOptions.scoreAll().limitFor(50_000, false)).isEqualTo(Integer.MAX_VALUE);
    }
}
