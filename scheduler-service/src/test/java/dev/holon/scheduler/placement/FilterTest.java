package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeState;
import org.junit.jupiter.api.Test;

import static dev.holon.scheduler.placement.Nodes.node;
import static org.assertj.core.api.Assertions.assertThat;

/** The feasibility filters one by one. */
class FilterTest {

    private final NodeSnapshot up = node("n1", 4000, 8192, 1);
    private final TaskRequest task = TaskRequest.builder("job").cpuMillis(1000).memoryMiB(1024).gpus(1).build();

    @Test
    void onlyAnOpenUpNodeTakesTasks() {
        assertThat(NodeStatusFilter.check(up)).isNull();
        assertThat(NodeStatusFilter.check(up.withState(NodeState.SUSPECT))).isEqualTo(Rejection.SUSPECT);
        assertThat(NodeStatusFilter.check(up.withState(NodeState.DOWN))).isEqualTo(Rejection.DOWN);
        assertThat(NodeStatusFilter.check(up.withState(NodeState.REMOVED))).isEqualTo(Rejection.DOWN);
        assertThat(NodeStatusFilter.check(up.withCordoned(true))).isEqualTo(Rejection.CORDONED);
        assertThat(NodeStatusFilter.check(up.withDraining(true).withCordoned(true))).isEqualTo(Rejection.DRAINING);
        assertThat(NodeStatusFilter.check(up.withState(NodeState.DOWN).withCordoned(true))).isEqualTo(Rejection.DOWN);
    }

    @Test
    void resourcesMustCoverEveryDimensionGpusFirst() {
        assertThat(ResourceFilter.check(task, 1000, 1024, 1)).isNull();
        assertThat(ResourceFilter.check(task, 999, 1024, 1)).isEqualTo(Rejection.CPU);
        assertThat(ResourceFilter.check(task, 1000, 1023, 1)).isEqualTo(Rejection.MEMORY);
        assertThat(ResourceFilter.check(task, 0, 0, 0)).isEqualTo(Rejection.GPUS);
        assertThat(ResourceFilter.check(task, -500, 1024, 1)).as("over-committed node").isEqualTo(Rejection.CPU);
    }

    @Test
    void constraintVerdictsArePerNodeClass() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(
                node("a1", 1000, 1000, 0, "zone=a"), node("a2", 2000, 2000, 0, "zone=a"),
                node("b1", 1000, 1000, 0, "zone=b"), node("x1", 1000, 1000, 0));
        assertThat(snapshot.nodeClassCount()).isEqualTo(3);
        assertThat(snapshot.classOf(snapshot.indexOf("a1"))).isEqualTo(snapshot.classOf(snapshot.indexOf("a2")));

        ClassEligibility eligibility = new ClassEligibility(snapshot,
                java.util.List.of(LabelConstraint.parse("zone!=c"), LabelConstraint.parse("zone=a")), java.util.List.of());
        assertThat(eligibility.failingConstraint(snapshot.classOf(snapshot.indexOf("a2")))).isEqualTo(-1);
        assertThat(eligibility.failingConstraint(snapshot.classOf(snapshot.indexOf("b1")))).isEqualTo(1);
        assertThat(eligibility.failingConstraint(snapshot.classOf(snapshot.indexOf("x1")))).isEqualTo(1);
    }

    @Test
    void quotaHookSeesWhatThePlanAlreadyGaveTheTenant() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("n1", 10_000, 10_000, 0), node("n2", 10_000, 10_000, 0));
        TenantQuota twoCores = (t, node, planned) -> planned.cpuMillis() + t.cpuMillis() <= 2000;
        PlacementPlan plan = new PlacementPlanner(PlacementOptions.DEFAULTS, twoCores, LocalityScorer.NEUTRAL)
                .plan(snapshot, TaskRequest.builder("job").tenant("acme").cpuMillis(1000).count(3).buildArray());
        assertThat(plan.placedCount()).isEqualTo(2);
        assertThat(plan.pending().getFirst().reason().explanation()).isEqualTo("2 nodes refused by the quota of tenant acme");
        assertThat(plan.pending().getFirst().reason().rejectedNodes()).containsEntry(Rejection.QUOTA, 2);
    }
}
