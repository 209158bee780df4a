package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.holon.scheduler.placement.Nodes.down;
import static dev.holon.scheduler.placement.Nodes.node;
import static dev.holon.scheduler.placement.Nodes.running;
import static dev.holon.scheduler.placement.Nodes.used;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementPlannerTest {

    private final PlacementPlanner planner = new PlacementPlanner();

    private static String nodeOf(TaskPlacement placement) {
        return ((TaskPlacement.Placed) placement).nodeId();
    }

    private static Map<String, Long> tasksPerNode(PlacementPlan plan) {
        return plan.placed().stream().collect(Collectors.groupingBy(TaskPlacement.Placed::nodeId, Collectors.counting()));
    }

    @Test
    void binpackPicksTheFullerNode() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("empty", 8000, 16384, 0),
                used(node("half", 8000, 16384, 0), 4000, 8192, 0), node("also-empty", 8000, 16384, 0));
        TaskRequest task = TaskRequest.builder("job").cpuMillis(1000).memoryMiB(1024).build();
        assertThat(nodeOf(planner.begin(snapshot).place(task))).isEqualTo("half");
    }

    @Test
    void spreadPicksTheEmptierNode() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(used(node("busy", 8000, 16384, 0), 6000, 8192, 0),
                node("idle", 8000, 16384, 0), used(node("half", 8000, 16384, 0), 4000, 8192, 0));
        TaskRequest task = TaskRequest.builder("job").cpuMillis(1000).memoryMiB(1024).strategy(Strategy.SPREAD).build();
        assertThat(nodeOf(planner.begin(snapshot).place(task))).isEqualTo("idle");
    }

    @Test
    void anArrayIsSpreadOverTheNodesByAntiAffinity() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("n1", 4000, 8192, 0), node("n2", 4000, 8192, 0),
                node("n3", 4000, 8192, 0));
        List<TaskRequest> spread = TaskRequest.builder("spread").count(12).cpuMillis(100).memoryMiB(64)
                .strategy(Strategy.SPREAD).buildArray();
        assertThat(tasksPerNode(planner.plan(snapshot, spread))).containsOnly(
                Map.entry("n1", 4L), Map.entry("n2", 4L), Map.entry("n3", 4L));

        List<TaskRequest> binpack = TaskRequest.builder("binpack").count(12).cpuMillis(100).memoryMiB(64).buildArray();
        assertThat(tasksPerNode(planner.plan(snapshot, binpack))).as("anti-affinity outweighs a little packing")
                .containsOnlyKeys("n1", "n2", "n3");
    }

    @Test
    void antiAffinityCountsTheJobsTasksAlreadyRunning() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(running(node("n1", 4000, 8192, 0), "job", 3),
                node("n2", 4000, 8192, 0));
        TaskRequest task = TaskRequest.builder("job").count(4).cpuMillis(100).memoryMiB(64).build();
        assertThat(nodeOf(planner.begin(snapshot).place(task))).isEqualTo("n2");
    }

    @Test
    void tasksPlacedEarlierInThePlanUseUpTheNode() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("only", 2000, 4096, 0));
        PlacementPlan plan = planner.plan(snapshot,
                TaskRequest.builder("job").count(3).cpuMillis(1000).memoryMiB(1024).buildArray());
        assertThat(plan.placedCount()).isEqualTo(2);
        assertThat(plan.pending()).singleElement().satisfies(pending -> {
            assertThat(pending.task().taskIndex()).isEqualTo(2);
            assertThat(pending.reason().explanation()).isEqualTo("no node has 1000m free CPU; largest free is 0m");
            assertThat(pending.reason().exceedsEveryNode()).isFalse();
        });
    }

    @Test
    void hardConstraintsFilterAndAffinitiesPrefer() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            nodes.add(node("n" + i, 8000, 16384, 0, "zone=" + (i % 2 == 0 ? "a" : "b"), "disk=" + (i % 4 < 2 ? "ssd" : "hdd")));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(nodes);
        PlacementPlan inZoneB = planner.plan(snapshot,
                TaskRequest.builder("b-only").count(30).cpuMillis(500).memoryMiB(512).constraint("zone=b").buildArray());
        assertThat(inZoneB.placed()).hasSize(30).allSatisfy(placed ->
                assertThat(snapshot.node(placed.nodeId()).labels()).containsEntry("zone", "b"));

        PlacementPlan preferSsd = new PlacementPlanner(PlacementOptions.scoreAll()).plan(snapshot,
                TaskRequest.builder("ssd").count(10).cpuMillis(500).memoryMiB(512).affinity("disk=ssd", 100).buildArray());
        assertThat(preferSsd.placed()).hasSize(10).allSatisfy(placed ->
                assertThat(snapshot.node(placed.nodeId()).labels()).containsEntry("disk", "ssd"));
    }

    @Test
    void theLocalityHookPullsTasksToTheirData() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("n1", 8000, 16384, 0), node("n2", 8000, 16384, 0),
                node("holder", 8000, 16384, 0));
        LocalityScorer dataOnHolder = new LocalityScorer() {
            @Override
            public boolean appliesTo(TaskRequest task) {
                return task.jobId().startsWith("reads-");
            }

            @Override
            public double score(TaskRequest task, NodeSnapshot node) {
                return node.id().equals("holder") ? 1 : 0;
            }
        };
        PlacementPlanner withLocality = new PlacementPlanner(PlacementOptions.DEFAULTS, TenantQuota.UNLIMITED, dataOnHolder);
        TaskRequest reader = TaskRequest.builder("reads-input").cpuMillis(100).memoryMiB(64).strategy(Strategy.SPREAD).build();
        assertThat(nodeOf(withLocality.begin(snapshot).place(reader))).isEqualTo("holder");
    }

    @Test
    void explainsAPendingTaskOverAllNodes() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        nodes.add(node("g1", 32_000, 131_072, 1, "zone=gpu"));
        for (int i = 0; i < 3; i++) {
            nodes.add(node("c" + i, 8000, 16384, 8, "zone=gpu").withCordoned(true));
        }
        for (int i = 0; i < 2; i++) {
            nodes.add(down(node("d" + i, 8000, 16384, 8, "zone=gpu")));
        }
        for (int i = 0; i < 5; i++) {
            nodes.add(node("x" + i, 8000, 16384, 0, "zone=cpu"));
        }
        PlacementPlan plan = planner.plan(ClusterSnapshot.of(nodes),
                TaskRequest.builder("big").count(2).gpus(64).constraint("zone=gpu").buildArray());

        assertThat(plan.pending()).hasSize(2);
        PendingReason reason = plan.pending().getFirst().reason();
        assertThat(reason.explanation()).isEqualTo("no node has 64 free GPUs; largest free is 1; 3 nodes cordoned, "
                + "2 DOWN, 5 lack label zone=gpu; no node matching the constraints has that much allocatable in total");
        assertThat(reason.rejectedNodes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Rejection.GPUS, 1, Rejection.CORDONED, 3, Rejection.DOWN, 2, Rejection.CONSTRAINT, 5));
        assertThat(reason.exceedsEveryNode()).isTrue();
        assertThat(plan.pending().get(1).reason()).as("the rest of the array shares it").isSameAs(reason);
    }

    @Test
    void explainsWhenSomeNodesFitLaterOrNoneIsOpen() {
        ClusterSnapshot busy = ClusterSnapshot.of(used(node("g1", 8000, 16384, 8), 1000, 1024, 6),
                used(node("g2", 8000, 16384, 8), 7500, 1024, 0));
        PendingReason reason = planner.begin(busy).place(TaskRequest.builder("job").cpuMillis(1000).gpus(4).build()) instanceof
                TaskPlacement.Pending pending ? pending.reason() : null;
        assertThat(reason).isNotNull();
        assertThat(reason.explanation()).isEqualTo("1 node lacks 4 free GPUs (at most 2 free); 1 node lacks 1000m free CPU (at most 500m free)");
        assertThat(reason.exceedsEveryNode()).isFalse();

        ClusterSnapshot closed = ClusterSnapshot.of(node("n1", 1000, 1000, 0).withCordoned(true),
                node("n2", 1000, 1000, 0).withDraining(true));
        assertThat(planner.plan(closed, List.of(TaskRequest.builder("job").build())).pending().getFirst().reason().explanation())
                .isEqualTo("no node is eligible: 1 node cordoned, 1 draining");
        assertThat(planner.plan(ClusterSnapshot.of(), List.of(TaskRequest.builder("job").build())).pending().getFirst()
                .reason().explanation()).isEqualTo("no nodes in the cluster");
    }

    @Test
    void theSameInputsGiveTheSamePlan() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            nodes.add(node("n" + i, 4000 + 1000L * (i % 5), 16384, i % 10 == 0 ? 4 : 0, "zone=" + (char) ('a' + i % 3)));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(nodes);
        List<TaskRequest> tasks = new ArrayList<>();
        tasks.addAll(TaskRequest.builder("job-1").count(200).cpuMillis(700).memoryMiB(900).buildArray());
        tasks.addAll(TaskRequest.builder("job-2").count(50).cpuMillis(300).gpus(1).strategy(Strategy.SPREAD).buildArray());
        tasks.addAll(TaskRequest.builder("job-3").count(80).cpuMillis(1500).constraint("zone in (a,c)").buildArray());

        PlacementPlan first = planner.plan(snapshot, tasks);
        assertThat(planner.plan(snapshot, tasks)).isEqualTo(first);
        assertThat(new PlacementPlanner().plan(ClusterSnapshot.of(nodes.reversed()), tasks)).isEqualTo(first);
        assertThat(first.placedCount()).isEqualTo(330);
    }

    @Test
    void aSessionEndsWhenItsPlannerBeginsAnother() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("n1", 1000, 1000, 0));
        PlacementSession old = planner.begin(snapshot);
        planner.begin(snapshot);
        assertThatThrownBy(() -> old.place(TaskRequest.builder("job").build())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAppliedPlanIsSeenByTheNextOne() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("n1", 2000, 4096, 1), node("n2", 2000, 4096, 0));
        PlacementPlan plan = planner.plan(snapshot, TaskRequest.builder("job").count(2).cpuMillis(1500).gpus(0).buildArray());
        ClusterSnapshot after = snapshot.withPlan(plan);
        Map<String, NodeSnapshot> byId = after.nodes().stream().collect(Collectors.toMap(NodeSnapshot::id, Function.identity()));
        assertThat(byId.values()).allSatisfy(node -> {
            assertThat(node.allocated()).isEqualTo(new NodeResources(1500, 64, 0, 0));
            assertThat(node.tasksOf("job")).isEqualTo(1);
        });
        assertThat(snapshot.node("n1").allocated()).as("snapshots are immutable").isEqualTo(NodeResources.NONE);
        assertThat(planner.plan(after, List.of(TaskRequest.builder("next").cpuMillis(1000).build())).pendingCount()).isEqualTo(1);
    }

    @Test
    void aLargeClusterPlacesArraysWithoutOvercommitting() {
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            nodes.add(node(String.format("n%04d", i), 4000, 8192, 0));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(nodes);
        PlacementPlan plan = planner.plan(snapshot, TaskRequest.builder("job").count(3000).cpuMillis(1000).memoryMiB(2048).buildArray());
        assertThat(plan.placedCount()).isEqualTo(3000);
        assertThat(tasksPerNode(plan).values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(4));
        PlacementPlan more = planner.plan(snapshot.withPlan(plan), TaskRequest.builder("more").count(1001).cpuMillis(1000).memoryMiB(2048).buildArray());
        assertThat(more.placedCount()).isEqualTo(1000);
        assertThat(more.pending().getFirst().reason().explanation()).isEqualTo("no node has 1000m free CPU; largest free is 0m");
    }

    @Test
    void aRetryGoesElsewhereThanItsEarlierAttemptsWhileAnotherNodeCanTakeIt() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(node("empty", 8000, 16384, 0, "zone=a"),
                used(node("half", 8000, 16384, 0, "zone=a"), 4000, 8192, 0), node("other-zone", 8000, 16384, 0, "zone=b"));
        TaskRequest first = TaskRequest.builder("job").cpuMillis(1000).memoryMiB(1024).constraint("zone=a").build();
        assertThat(nodeOf(planner.begin(snapshot).place(first))).as("binpack's choice").isEqualTo("half");

        assertThat(nodeOf(planner.begin(snapshot).place(first.withPreviousNodes(java.util.Set.of("half")))))
                .isEqualTo("empty");
        // the penalty is soft: when every feasible node ran an earlier attempt, the retry still runs
        assertThat(nodeOf(planner.begin(snapshot).place(first.withPreviousNodes(java.util.Set.of("half", "empty")))))
                .isEqualTo("half");
        assertThat(first.withPreviousNodes(java.util.Set.of("half")).sameShapeAs(first)).isFalse();
    }

    @Test
    void aRetryAvoidsItsEarlierNodeAlsoWhenTheLimitStopsTheScanEarly() {
        // 40 identical nodes: only 2 feasible candidates are scored, so the penalised node must not count as one
        List<NodeSnapshot> nodes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            nodes.add(used(node("n%02d".formatted(i), 4000, 8192, 0), 1000, 1024, 0));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(nodes);
        PlacementPlanner limited = new PlacementPlanner(PlacementOptions.DEFAULTS);
        for (int job = 0; job < 20; job++) {
            TaskRequest task = TaskRequest.builder("job-" + job).cpuMillis(500).memoryMiB(512).build();
            String chosen = nodeOf(limited.begin(snapshot).place(task));
            assertThat(nodeOf(limited.begin(snapshot).place(task.withPreviousNodes(java.util.Set.of(chosen)))))
                    .as("job-" + job).isNotEqualTo(chosen);
        }
    }
}
