package dev.holon.benchmarks;

import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import dev.holon.scheduler.placement.ClusterSnapshot;
import dev.holon.scheduler.placement.NodeSnapshot;
import dev.holon.scheduler.placement.PlacementPlan;
import dev.holon.scheduler.placement.PlacementPlanner;
import dev.holon.scheduler.placement.PlacementSession;
import dev.holon.scheduler.placement.Strategy;
import dev.holon.scheduler.placement.TaskPlacement;
import dev.holon.scheduler.placement.TaskRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Placement throughput over simulated ("hollow") nodes: no processes, only {@link NodeSnapshot}s with a few node
 * classes (general, large, arm, GPU; four zones; ssd/hdd) and a few per cent SUSPECT, DOWN, cordoned or draining.
 * Jobs (arrays of 1 to 1024 tasks, mixed sizes, BINPACK and SPREAD, constraints, affinities, a few GPU jobs and a
 * few that can never fit) arrive in scheduling rounds of about 2,000 tasks: each round is one placement session on
 * the current snapshot, its plan is applied ({@link ClusterSnapshot#withPlan}), and the oldest tasks complete when
 * the cluster's CPU passes 80 % (down to 60 %), so it stays busy but not full. Prints placements per second
 * (placement only, one thread), time per placement and per array (p50/p99/max), placed vs pending, for 500, 5,000
 * and 50,000 nodes, after a warm-up. Figures, not assertions.
 *
 * <p>Run: {@code ./mvnw -q -B -DskipTests -pl benchmarks -am package exec:exec
 * -Dbenchmark.class=dev.holon.benchmarks.PlacementBenchmark}
 * (optional {@code -Dbenchmark.args="--tasks=200000 --nodes=500,5000,50000"}).
 */
public final class PlacementBenchmark {

    private static final int ROUND_TASKS = 2_000;
    private static final double CHURN_HIGH = 0.80;
    private static final double CHURN_LOW = 0.60;

    private PlacementBenchmark() {
    }

    public static void main(String[] args) {
        int tasks = 200_000;
        int[] sizes = {500, 5_000, 50_000};
        for (String arg : String.join(" ", args).strip().split("\\s+")) {
            if (arg.isBlank() || arg.equals("all")) {
                continue; // exec:exec passes benchmark.args, "all" by default: every default size
            } else if (arg.startsWith("--tasks=")) {
                tasks = Integer.parseInt(arg.substring("--tasks=".length()));
            } else if (arg.startsWith("--nodes=")) {
                sizes = Arrays.stream(arg.substring("--nodes=".length()).split(",")).mapToInt(Integer::parseInt).toArray();
            } else {
                throw new IllegalArgumentException("unknown argument " + arg + " (--tasks=N, --nodes=a,b,c)");
            }
        }
        System.out.printf("%nPlacement benchmark: hollow nodes, one planner thread, Java %s, %d CPUs, load average %s%n",
                Runtime.version().feature(), Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.print("warm-up (2,000 nodes, 150,000 tasks) ... ");
        long warmStart = System.nanoTime();
        run(2_000, 150_000, 7);
        System.out.printf("%.1f s%n%n", (System.nanoTime() - warmStart) / 1e9);

        System.out.printf("%7s %8s %8s %8s %13s %11s %11s %11s %11s %11s %12s%n", "nodes", "tasks", "placed", "pending",
                "placements/s", "p50/task", "p99/task", "max/task", "p99/array", "max/array", "apply+churn");
        List<String> reasons = new ArrayList<>();
        for (int size : sizes) {
            Result r = run(size, tasks, 42);
            reasons.add("%7d nodes, most frequent of %d pending reasons (%d tasks): %s".formatted(
                    size, r.pendingReasons.size(), r.pending, r.pendingReasons.entrySet().stream()
                            .max(Map.Entry.comparingByValue()).map(e -> e.getValue() + "x \"" + e.getKey() + "\"").orElse("-")));
            System.out.printf("%7d %8d %8d %8d %13.0f %9.2fus %9.2fus %9.0fus %9.3fms %9.3fms %10.2fs%n",
                    size, r.tasks, r.placed, r.pending, r.tasks / (r.placementNanos / 1e9),
                    r.taskNanos[r.tasks / 2] / 1e3, percentile(r.taskNanos, 0.99) / 1e3, r.taskNanos[r.tasks - 1] / 1e3,
                    percentile(r.arrayNanos, 0.99) / 1e6, r.arrayNanos[r.arrayNanos.length - 1] / 1e6, r.otherNanos / 1e9);
        }
        System.out.println();
        reasons.forEach(System.out::println);
        System.out.printf("%nTarget: >= 10,000 placements/s on 5,000 nodes, 2 cores. load average now %s%n", loadAverage());
        System.out.println("placements/s counts placed and pending decisions over the time spent in the planner only;"
                + " apply+churn is the plan applier and task completions between rounds (not placement).");
    }

    record Result(int tasks, int placed, int pending, long placementNanos, long otherNanos, long[] taskNanos, long[] arrayNanos,
                  Map<String, Integer> pendingReasons) {
    }

    private static Result run(int nodeCount, int taskTotal, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        HollowCluster cluster = new HollowCluster(nodeCount, random);
        ClusterSnapshot snapshot = ClusterSnapshot.of(cluster.nodes);
        PlacementPlanner planner = new PlacementPlanner();
        JobGenerator jobs = new JobGenerator(random);

        long[] taskNanos = new long[taskTotal];
        List<Long> arrayNanos = new ArrayList<>();
        int done = 0;
        int placed = 0;
        long placementNanos = 0;
        long otherNanos = 0;
        Map<String, Integer> pendingReasons = new HashMap<>();
        while (done < taskTotal) {
            List<List<TaskRequest>> round = new ArrayList<>();
            int roundTasks = 0;
            while (roundTasks < ROUND_TASKS && done + roundTasks < taskTotal) {
                List<TaskRequest> array = jobs.next(Math.min(taskTotal - done - roundTasks, 1024));
                round.add(array);
                roundTasks += array.size();
            }

            long sessionStart = System.nanoTime();
            PlacementSession session = planner.begin(snapshot);
            for (List<TaskRequest> array : round) {
                long arrayStart = System.nanoTime();
                for (TaskRequest task : array) {
                    long start = System.nanoTime();
                    TaskPlacement result = session.place(task);
                    taskNanos[done++] = System.nanoTime() - start;
                    if (result instanceof TaskPlacement.Placed) {
                        placed++;
                    }
                }
                arrayNanos.add(System.nanoTime() - arrayStart);
            }
            PlacementPlan plan = session.plan();
            long sessionEnd = System.nanoTime();
            placementNanos += sessionEnd - sessionStart;

            plan.pending().forEach(p -> pendingReasons.merge(p.reason().explanation(), 1, Integer::sum));
            snapshot = snapshot.withPlan(plan);
            cluster.record(plan);
            snapshot = cluster.completeOldestIfBusy(snapshot);
            otherNanos += System.nanoTime() - sessionEnd;
        }
        Arrays.sort(taskNanos);
        long[] arrays = arrayNanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(taskTotal, placed, taskTotal - placed, placementNanos, otherNanos, taskNanos, arrays, pendingReasons);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The simulated nodes and the tasks they run, oldest first, so that tasks can complete. */
    private static final class HollowCluster {

        final List<NodeSnapshot> nodes = new ArrayList<>();
        private final ArrayDeque<TaskPlacement.Placed> running = new ArrayDeque<>();
        private long capacityCpu;
        private long allocatedCpu;

        HollowCluster(int count, SplittableRandom random) {
            String[] zones = {"a", "b", "c", "d"};
            for (int i = 0; i < count; i++) {
                String zone = zones[random.nextInt(zones.length)];
                int kind = random.nextInt(100);
                Map<String, String> labels = new HashMap<>();
                labels.put("zone", zone);
                NodeResources allocatable;
                if (kind < 60) {
                    labels.putAll(Map.of("kind", "cpu", "arch", "amd64", "disk", random.nextBoolean() ? "ssd" : "hdd"));
                    allocatable = new NodeResources(16_000, 65_536, 0, 0);
                } else if (kind < 80) {
                    labels.putAll(Map.of("kind", "cpu", "arch", "amd64", "disk", "ssd"));
                    allocatable = new NodeResources(64_000, 262_144, 0, 0);
                } else if (kind < 92) {
                    labels.putAll(Map.of("kind", "cpu", "arch", "arm64", "disk", "ssd"));
                    allocatable = new NodeResources(32_000, 65_536, 0, 0);
                } else {
                    labels.putAll(Map.of("kind", "gpu", "arch", "amd64", "disk", "ssd"));
                    allocatable = new NodeResources(32_000, 131_072, 8, 0);
                }
                int status = random.nextInt(1000);
                NodeState state = status < 10 ? NodeState.SUSPECT : status < 20 ? NodeState.DOWN : NodeState.UP;
                double used = random.nextDouble() * 0.3;
                NodeResources allocated = new NodeResources((long) (allocatable.cpuMillis() * used),
                        (long) (allocatable.memoryMiB() * used), 0, 0);
                String id = "node-%06d".formatted(i);
                nodes.add(new NodeSnapshot(id, state, status >= 20 && status < 25, status >= 25 && status < 30,
                        labels, allocatable, allocated, Map.of()));
                if (state == NodeState.UP) {
                    capacityCpu += allocatable.cpuMillis();
                }
                allocatedCpu += allocated.cpuMillis();
            }
        }

        void record(PlacementPlan plan) {
            for (TaskPlacement.Placed placed : plan.placed()) {
                running.addLast(placed);
                allocatedCpu += placed.task().cpuMillis();
            }
        }

        /** Completes the oldest tasks while the cluster's CPU is above the high mark, down to the low mark. */
        ClusterSnapshot completeOldestIfBusy(ClusterSnapshot snapshot) {
            if (allocatedCpu < CHURN_HIGH * capacityCpu) {
                return snapshot;
            }
            Map<String, long[]> freed = new HashMap<>();
            Map<String, Map<String, Integer>> jobTasks = new HashMap<>();
            while (allocatedCpu > CHURN_LOW * capacityCpu && !running.isEmpty()) {
                TaskPlacement.Placed done = running.removeFirst();
                TaskRequest task = done.task();
                long[] sum = freed.computeIfAbsent(done.nodeId(), id -> new long[3]);
                sum[0] += task.cpuMillis();
                sum[1] += task.memoryMiB();
                sum[2] += task.gpus();
                jobTasks.computeIfAbsent(done.nodeId(), id -> new HashMap<>(snapshot.node(id).jobTasks()))
                        .merge(task.jobId(), -1, (a, b) -> a + b == 0 ? null : a + b);
                allocatedCpu -= task.cpuMillis();
            }
            List<NodeSnapshot> changed = new ArrayList<>(freed.size());
            freed.forEach((id, sum) -> {
                NodeSnapshot node = snapshot.node(id);
                NodeResources allocated = node.allocated();
                changed.add(node.withAllocated(new NodeResources(allocated.cpuMillis() - sum[0],
                        allocated.memoryMiB() - sum[1], allocated.gpus() - (int) sum[2], 0), jobTasks.get(id)));
            });
            return snapshot.withNodes(changed);
        }
    }

    /** Random jobs from a fixed seed: array sizes, resources, strategies, constraints and affinities. */
    private static final class JobGenerator {

        private static final long[] CPU = {100, 250, 500, 1000, 2000, 4000};
        private static final long[] MEMORY = {128, 256, 512, 1024, 2048, 4096, 8192};
        private static final String[] CONSTRAINTS = {"zone=a", "zone in (b,c)", "arch!=arm64", "disk=ssd"};
        private static final int[] GPUS = {1, 2, 4, 8};

        private final SplittableRandom random;
        private int jobs;

        JobGenerator(SplittableRandom random) {
            this.random = random;
        }

        List<TaskRequest> next(int maxCount) {
            int sizeClass = random.nextInt(100);
            int count = sizeClass < 40 ? 1 : sizeClass < 70 ? 2 + random.nextInt(15)
                    : sizeClass < 90 ? 17 + random.nextInt(112) : 129 + random.nextInt(896);
            TaskRequest.Builder job = TaskRequest.builder("job-%07d".formatted(jobs++))
                    .count(Math.min(count, maxCount))
                    .tenant("tenant-" + random.nextInt(20))
                    .cpuMillis(CPU[random.nextInt(CPU.length)])
                    .memoryMiB(MEMORY[random.nextInt(MEMORY.length)])
                    .strategy(random.nextInt(4) == 0 ? Strategy.SPREAD : Strategy.BINPACK);
            int special = random.nextInt(1000);
            if (special < 40) {
                job.gpus(GPUS[random.nextInt(GPUS.length)]).constraint("kind=gpu");
            } else if (special < 42) {
                job.gpus(64).constraint("kind=gpu"); // never fits: exercises the pending explanation
            }
            if (random.nextInt(4) == 0) {
                job.constraint(CONSTRAINTS[random.nextInt(CONSTRAINTS.length)]);
            }
            if (random.nextInt(10) == 0) {
                if (random.nextBoolean()) {
                    job.affinity("disk=ssd", 50);
                } else {
                    job.affinity("zone=d", -20);
                }
            }
            return job.buildArray();
        }
    }
}
