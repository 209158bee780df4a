package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.holon.scheduler.placement.Nodes.node;
import static dev.holon.scheduler.placement.Nodes.used;
import static org.assertj.core.api.Assertions.assertThat;

/** The tenant-quota stage of placement: limits over what a tenant's SCHEDULED and RUNNING tasks hold plus the plan. */
class TenantLimitsTest {

    private static final ClusterSnapshot ROOMY = ClusterSnapshot.of(node("n1", 64_000, 65_536, 4),
            node("n2", 64_000, 65_536, 4));

    private static PlacementPlan plan(ClusterSnapshot snapshot, TenantLimits limits, List<TaskRequest> tasks) {
        return new PlacementPlanner(PlacementOptions.DEFAULTS, limits, LocalityScorer.NEUTRAL).plan(snapshot, tasks);
    }

    private static NodeResources cpu(long millis) {
        return new NodeResources(millis, 0, 0, 0);
    }

    @Test
    void tasksBeyondTheQuotaWaitWithTheNumbersInTheReason() {
        TenantLimits limits = new TenantLimits(Map.of("acme", new TenantLimits.Limit(4000L, null, null)),
                Map.of("acme", cpu(2000)));
        PlacementPlan plan = plan(ROOMY, limits,
                TaskRequest.builder("job").tenant("acme").cpuMillis(2000).count(3).buildArray());

        assertThat(plan.placedCount()).isEqualTo(1);
        assertThat(plan.pending()).hasSize(2).allSatisfy(p -> {
            assertThat(p.reason().explanation()).isEqualTo("tenant quota: acme would use 6000 of 4000 millicores CPU");
            assertThat(p.reason().exceedsEveryNode()).isFalse();
            assertThat(p.reason().rejectedNodes()).containsEntry(Rejection.QUOTA, 2);
        });
    }

    @Test
    void otherTenantsAndUnlimitedDimensionsAreNotHeldBack() {
        TenantLimits limits = new TenantLimits(Map.of("acme", new TenantLimits.Limit(null, 1024L, 0L),
                "other", TenantLimits.Limit.UNLIMITED), Map.of("other", cpu(1_000_000)));
        List<TaskRequest> tasks = new ArrayList<>();
        tasks.addAll(TaskRequest.builder("cpu-heavy").tenant("acme").cpuMillis(30_000).memoryMiB(512).count(2).buildArray());
        tasks.addAll(TaskRequest.builder("others").tenant("other").cpuMillis(10_000).count(4).buildArray());
        tasks.add(TaskRequest.builder("unknown").tenant("nobody-set-a-quota").cpuMillis(1000).build());

        PlacementPlan plan = plan(ROOMY, limits, tasks);

        assertThat(plan.pendingCount()).isZero();
    }

    @Test
    void everyExceededLimitIsNamed() {
        TenantLimits limits = new TenantLimits(Map.of("acme", new TenantLimits.Limit(1000L, 256L, 1L)),
                Map.of("acme", new NodeResources(500, 128, 1, 0)));
        PlacementPlan plan = plan(ROOMY, limits,
                List.of(TaskRequest.builder("job").tenant("acme").cpuMillis(600).memoryMiB(200).gpus(1).build()));

        assertThat(plan.pending().getFirst().reason().explanation()).isEqualTo(
                "tenant quota: acme would use 1100 of 1000 millicores CPU and 328 of 256 MiB memory and 2 of 1 GPU");
    }

    @Test
    void aTaskWithoutGpusIsNotHeldBackByAnExhaustedGpuQuota() {
        TenantLimits limits = new TenantLimits(Map.of("acme", new TenantLimits.Limit(null, null, 1L)),
                Map.of("acme", new NodeResources(500, 128, 2, 0))); // the quota was lowered under the use
        assertThat(plan(ROOMY, limits, List.of(TaskRequest.builder("job").tenant("acme").build())).placedCount())
                .isEqualTo(1);
    }

    @Test
    void theQuotaIsNamedEvenWhereTheNodesLackRoomToo() {
        ClusterSnapshot full = ClusterSnapshot.of(used(node("n1", 4000, 8192, 0), 4000, 0, 0));
        TenantLimits limits = new TenantLimits(Map.of("acme", new TenantLimits.Limit(1000L, null, null)), Map.of());
        PlacementPlan plan = plan(full, limits, List.of(TaskRequest.builder("job").tenant("acme").cpuMillis(2000).build()));

        assertThat(plan.pending().getFirst().reason().explanation())
                .startsWith("tenant quota: acme would use 2000 of 1000 millicores CPU; ")
                .contains("2000m free CPU");
    }

    @Test
    void limitsOfAuthServicesQuotaAreItsComputeFields() {
        assertThat(TenantLimits.Limit.of(new dev.holon.contracts.tenant.TenantQuota(1L, 2L, 3L, 4L, 5L)))
                .isEqualTo(new TenantLimits.Limit(1L, 2L, 3L));
        assertThat(TenantLimits.Limit.of(dev.holon.contracts.tenant.TenantQuota.UNLIMITED))
                .isEqualTo(TenantLimits.Limit.UNLIMITED);
        assertThat(TenantLimits.Limit.UNLIMITED.unlimited()).isTrue();
        assertThat(new TenantLimits.Limit(null, null, 0L).unlimited()).isFalse();
    }

    // ---- property: whatever the cluster and the requests, no tenant ends above a limit it was within ----

    record Case(List<NodeSnapshot> nodes, Map<String, TenantLimits.Limit> limits, Map<String, NodeResources> inUse,
                List<TaskRequest> tasks) {
    }

    @Property(tries = 300)
    void neverTakesATenantAboveItsQuota(@ForAll("cases") Case c) {
        PlacementPlan plan = plan(ClusterSnapshot.of(c.nodes()), new TenantLimits(c.limits(), c.inUse()), c.tasks());

        Map<String, long[]> total = new HashMap<>();
        c.inUse().forEach((tenant, r) -> total.put(tenant, new long[] {r.cpuMillis(), r.memoryMiB(), r.gpus()}));
        Map<String, boolean[]> placedAny = new HashMap<>();
        for (TaskPlacement.Placed p : plan.placed()) {
            long[] sum = total.computeIfAbsent(p.task().tenant(), t -> new long[3]);
            sum[0] += p.task().cpuMillis();
            sum[1] += p.task().memoryMiB();
            sum[2] += p.task().gpus();
            placedAny.computeIfAbsent(p.task().tenant(), t -> new boolean[3])[2] |= p.task().gpus() > 0;
            placedAny.get(p.task().tenant())[0] = true;
        }
        placedAny.forEach((tenant, placed) -> {
            TenantLimits.Limit limit = c.limits().getOrDefault(tenant, TenantLimits.Limit.UNLIMITED);
            long[] sum = total.get(tenant);
            if (limit.cpuMillis() != null) {
                assertThat(sum[0]).as(tenant + " cpu").isLessThanOrEqualTo(limit.cpuMillis());
            }
            if (limit.memoryMiB() != null) {
                assertThat(sum[1]).as(tenant + " memory").isLessThanOrEqualTo(limit.memoryMiB());
            }
            if (limit.gpus() != null && placed[2]) {
                assertThat(sum[2]).as(tenant + " gpus").isLessThanOrEqualTo(limit.gpus());
            }
        });
        // and a task held back by its quota says so
        plan.pending().stream().filter(p -> p.reason().rejectedNodes().containsKey(Rejection.QUOTA))
                .forEach(p -> assertThat(p.reason().explanation()).startsWith("tenant quota: " + p.task().tenant()));
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<NodeSnapshot> nodes = Combinators.combine(Arbitraries.longs().between(1000, 16_000),
                Arbitraries.longs().between(1024, 32_768), Arbitraries.integers().between(0, 4))
                .as((cpu, mem, gpus) -> node("n", cpu, mem, gpus));
        Arbitrary<List<NodeSnapshot>> cluster = nodes.list().ofMinSize(1).ofMaxSize(8).map(list -> {
            List<NodeSnapshot> named = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                NodeSnapshot n = list.get(i);
                named.add(node("n" + i, n.allocatable().cpuMillis(), n.allocatable().memoryMiB(), n.allocatable().gpus()));
            }
            return named;
        });
        Arbitrary<Long> optionalCpu = Arbitraries.longs().between(0, 30_000).injectNull(0.3);
        Arbitrary<Long> optionalMem = Arbitraries.longs().between(0, 60_000).injectNull(0.3);
        Arbitrary<Long> optionalGpus = Arbitraries.longs().between(0, 6).injectNull(0.3);
        Arbitrary<TenantLimits.Limit> limit = Combinators.combine(optionalCpu, optionalMem, optionalGpus)
                .as(TenantLimits.Limit::new);
        Arbitrary<NodeResources> use = Combinators.combine(Arbitraries.longs().between(0, 20_000),
                Arbitraries.longs().between(0, 40_000), Arbitraries.integers().between(0, 3))
                .as((cpu, mem, gpus) -> new NodeResources(cpu, mem, gpus, 0));
        Arbitrary<Map<String, TenantLimits.Limit>> limits = Combinators.combine(limit, limit.injectNull(0.2))
                .as((a, b) -> {
                    Map<String, TenantLimits.Limit> map = new HashMap<>();
                    map.put("t1", a);
                    if (b != null) {
                        map.put("t2", b);
                    }
                    return map;
                });
        Arbitrary<Map<String, NodeResources>> inUse = Combinators.combine(use, use)
                .as((a, b) -> Map.of("t1", a, "t2", b));
        Arbitrary<TaskRequest.Builder> arrays = Combinators.combine(Arbitraries.integers().between(1, 8),
                Arbitraries.longs().between(100, 6000), Arbitraries.longs().between(64, 8000),
                Arbitraries.integers().between(0, 2), Arbitraries.of("t1", "t2", "t3"))
                .as((count, cpu, mem, gpus, tenant) -> TaskRequest.builder("job").count(count).cpuMillis(cpu)
                        .memoryMiB(mem).gpus(gpus).tenant(tenant));
        Arbitrary<List<TaskRequest>> tasks = arrays.list().ofMinSize(1).ofMaxSize(6).map(TaskArrays::asJobs);
        return Combinators.combine(cluster, limits, inUse, tasks).as(Case::new);
    }
}
