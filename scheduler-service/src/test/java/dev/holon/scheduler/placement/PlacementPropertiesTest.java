package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of placement over random clusters and requests, with the limit on and with every node scored. */
class PlacementPropertiesTest {

    record Scenario(List<NodeSnapshot> nodes, List<TaskRequest> tasks) {
        ClusterSnapshot snapshot() {
            return ClusterSnapshot.of(nodes);
        }
    }

    private static final List<LabelConstraint> CONSTRAINTS = List.of(
            LabelConstraint.parse("zone=a"), LabelConstraint.parse("zone!=b"), LabelConstraint.parse("zone in (a,c)"),
            LabelConstraint.parse("kind=gpu"), LabelConstraint.parse("disk!=hdd"), LabelConstraint.parse("kind in (cpu)"));

    private static final List<Affinity> AFFINITIES = List.of(
            Affinity.parse("disk=ssd", 50), Affinity.parse("zone=c", -30), Affinity.parse("kind=cpu", 100));

    private static PlacementOptions options(boolean scoreAll) {
        return scoreAll ? PlacementOptions.scoreAll() : PlacementOptions.DEFAULTS.withScoreAllUpToNodes(0);
    }

    @Property(tries = 300)
    void neverOvercommitsANode(@ForAll("scenarios") Scenario scenario, @ForAll boolean scoreAll) {
        ClusterSnapshot snapshot = scenario.snapshot();
        PlacementPlan plan = new PlacementPlanner(options(scoreAll)).plan(snapshot, scenario.tasks());
        Statistics.collect(plan.placedCount() == 0 ? "none placed" : plan.pendingCount() == 0 ? "all placed" : "some of each");
        Statistics.coverage(coverage -> {
            coverage.check("some of each").percentage(p -> p > 20);
            coverage.check("all placed").percentage(p -> p > 3);
        });
        Map<String, long[]> placed = new HashMap<>();
        for (TaskPlacement.Placed p : plan.placed()) {
            long[] sum = placed.computeIfAbsent(p.nodeId(), id -> new long[3]);
            sum[0] += p.task().cpuMillis();
            sum[1] += p.task().memoryMiB();
            sum[2] += p.task().gpus();
        }
        placed.forEach((id, sum) -> {
            NodeSnapshot node = snapshot.node(id);
            assertThat(node.allocated().cpuMillis() + sum[0]).as(id + " cpu").isLessThanOrEqualTo(node.allocatable().cpuMillis());
            assertThat(node.allocated().memoryMiB() + sum[1]).as(id + " memory").isLessThanOrEqualTo(node.allocatable().memoryMiB());
            assertThat(node.allocated().gpus() + sum[2]).as(id + " gpus").isLessThanOrEqualTo(node.allocatable().gpus());
        });
    }

    @Property(tries = 300)
    void placesOnlyOnOpenUpNodesThatMeetEveryConstraint(@ForAll("scenarios") Scenario scenario, @ForAll boolean scoreAll) {
        ClusterSnapshot snapshot = scenario.snapshot();
        for (TaskPlacement.Placed p : new PlacementPlanner(options(scoreAll)).plan(snapshot, scenario.tasks()).placed()) {
            NodeSnapshot node = snapshot.node(p.nodeId());
            assertThat(node.state()).isEqualTo(NodeState.UP);
            assertThat(node.cordoned()).isFalse();
            assertThat(node.draining()).isFalse();
            assertThat(p.task().constraints()).allSatisfy(c -> assertThat(c.matches(node.labels())).as(c.toString()).isTrue());
        }
    }

    @Property(tries = 200)
    void theSameInputsGiveTheSamePlan(@ForAll("scenarios") Scenario scenario, @ForAll boolean scoreAll, @ForAll long shuffleSeed) {
        PlacementPlanner planner = new PlacementPlanner(options(scoreAll));
        PlacementPlan first = planner.plan(scenario.snapshot(), scenario.tasks());
        assertThat(planner.plan(scenario.snapshot(), scenario.tasks())).isEqualTo(first);
        List<NodeSnapshot> shuffled = new ArrayList<>(scenario.nodes());
        Collections.shuffle(shuffled, new Random(shuffleSeed));
        assertThat(new PlacementPlanner(options(scoreAll)).plan(ClusterSnapshot.of(shuffled), scenario.tasks())).isEqualTo(first);
    }

    /** A pending task fits no node even with the final plan's usage, so it did not fit when it was decided either. */
    @Property(tries = 300)
    void aTaskThatFitsSomeFeasibleNodeIsPlaced(@ForAll("scenarios") Scenario scenario, @ForAll boolean scoreAll) {
        ClusterSnapshot snapshot = scenario.snapshot();
        PlacementPlan plan = new PlacementPlanner(options(scoreAll)).plan(snapshot, scenario.tasks());
        Map<String, long[]> free = new HashMap<>();
        for (NodeSnapshot node : snapshot.nodes()) {
            free.put(node.id(), new long[] {node.allocatable().cpuMillis() - node.allocated().cpuMillis(),
                    node.allocatable().memoryMiB() - node.allocated().memoryMiB(),
                    node.allocatable().gpus() - node.allocated().gpus()});
        }
        for (TaskPlacement.Placed p : plan.placed()) {
            long[] f = free.get(p.nodeId());
            f[0] -= p.task().cpuMillis();
            f[1] -= p.task().memoryMiB();
            f[2] -= p.task().gpus();
        }
        for (TaskPlacement.Pending pending : plan.pending()) {
            TaskRequest task = pending.task();
            assertThat(snapshot.nodes()).noneSatisfy(node -> {
                long[] f = free.get(node.id());
                assertThat(node.state() == NodeState.UP && !node.cordoned() && !node.draining()
                        && task.constraints().stream().allMatch(c -> c.matches(node.labels()))
                        && f[0] >= task.cpuMillis() && f[1] >= task.memoryMiB() && f[2] >= task.gpus()).isTrue();
            });
            assertThat(pending.reason().rejectedNodes().values().stream().mapToInt(Integer::intValue).sum())
                    .as("every node is counted once").isEqualTo(snapshot.size());
        }
    }

    @Property(tries = 200)
    void neverGivesATenantMoreThanItsQuota(@ForAll("scenarios") Scenario scenario, @ForAll boolean scoreAll) {
        Map<String, Long> cpuQuota = Map.of("t1", 6000L, "t2", 20_000L);
        TenantQuota quota = (task, node, planned) -> planned.cpuMillis() + task.cpuMillis() <= cpuQuota.get(task.tenant());
        PlacementPlan plan = new PlacementPlanner(options(scoreAll), quota, LocalityScorer.NEUTRAL)
                .plan(scenario.snapshot(), scenario.tasks());
        Map<String, Long> used = new HashMap<>();
        plan.placed().forEach(p -> used.merge(p.task().tenant(), p.task().cpuMillis(), Long::sum));
        used.forEach((tenant, cpu) -> assertThat(cpu).as(tenant).isLessThanOrEqualTo(cpuQuota.get(tenant)));
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Map<String, String>> labels = Combinators.combine(
                Arbitraries.of("a", "b", "c", ""), Arbitraries.of("cpu", "gpu"), Arbitraries.of("ssd", "hdd", "")
        ).as((zone, kind, disk) -> {
            Map<String, String> map = new HashMap<>();
            if (!zone.isEmpty()) {
                map.put("zone", zone);
            }
            map.put("kind", kind);
            if (!disk.isEmpty()) {
                map.put("disk", disk);
            }
            return map;
        });
        Arbitrary<NodeState> states = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just(NodeState.UP)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(NodeState.SUSPECT)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(NodeState.DOWN)));
        Arbitrary<NodeSnapshot> nodes = Combinators.combine(
                states, Arbitraries.integers().between(0, 9), labels,
                Arbitraries.longs().between(500, 16_000), Arbitraries.longs().between(512, 32_768),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 110),
                Arbitraries.integers().between(0, 2)
        ).as((state, flags, nodeLabels, cpu, memory, gpus, usedPercent, jobTasks) -> new NodeSnapshot("n", state,
                flags == 0, flags == 1, nodeLabels, new NodeResources(cpu, memory, gpus, 0),
                new NodeResources(cpu * usedPercent / 100, memory * usedPercent / 100, gpus * usedPercent / 100, 0),
                jobTasks == 0 ? Map.of() : Map.of("job-0", jobTasks)));
        Arbitrary<List<NodeSnapshot>> clusters = nodes.list().ofMinSize(0).ofMaxSize(30).map(list -> {
            List<NodeSnapshot> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                NodeSnapshot n = list.get(i);
                named.add(new NodeSnapshot("n%02d".formatted(i), n.state(), n.cordoned(), n.draining(), n.labels(),
                        n.allocatable(), n.allocated(), n.jobTasks()));
            }
            return named;
        });

        Arbitrary<TaskRequest.Builder> arrays = Combinators.combine(
                Arbitraries.integers().between(1, 12), Arbitraries.longs().between(100, 6000),
                Arbitraries.longs().between(64, 12_000), Arbitraries.frequency(
                        net.jqwik.api.Tuple.of(8, 0), net.jqwik.api.Tuple.of(2, 1), net.jqwik.api.Tuple.of(1, 2)),
                Arbitraries.of(CONSTRAINTS).list().ofMaxSize(2), Arbitraries.of(AFFINITIES).list().ofMaxSize(2),
                Arbitraries.of(Strategy.class), Arbitraries.of("t1", "t2")
        ).as((count, cpu, memory, gpus, constraints, affinities, strategy, tenant) -> {
            TaskRequest.Builder builder = TaskRequest.builder("job").count(count).cpuMillis(cpu).memoryMiB(memory)
                    .gpus(gpus).strategy(strategy).tenant(tenant);
            constraints.forEach(builder::constraint);
            affinities.forEach(builder::affinity);
            return builder;
        });
        Arbitrary<List<TaskRequest>> tasks = arrays.list().ofMinSize(1).ofMaxSize(5).map(TaskArrays::asJobs);
        return Combinators.combine(clusters, tasks).as(Scenario::new);
    }
}
