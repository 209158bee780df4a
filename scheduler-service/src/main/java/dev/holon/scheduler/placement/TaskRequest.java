package dev.holon.scheduler.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One task to place: task {@code taskIndex} of the {@code taskCount} tasks of job {@code jobId} (an array), what it
 * needs, where it may run (hard label constraints) and where it would rather run (affinities). A retried task names
 * the nodes its earlier attempts failed or were lost on ({@code previousNodes}), which placement avoids where it can
 * ({@link ReschedulePenaltyScorer}). Tasks of one array differ only in their index, and placement takes advantage of
 * that (see {@link PlacementSession}).
 */
public record TaskRequest(
        String jobId,
        int taskIndex,
        int taskCount,
        String tenant,
        long cpuMillis,
        long memoryMiB,
        int gpus,
        List<LabelConstraint> constraints,
        List<Affinity> affinities,
        Strategy strategy,
        Set<String> previousNodes) {

    public TaskRequest {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("a task needs a job id");
        }
        if (taskCount < 1 || taskIndex < 0 || taskIndex >= taskCount) {
            throw new IllegalArgumentException("task index " + taskIndex + " is not within a count of " + taskCount);
        }
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("a task needs a tenant");
        }
        if (cpuMillis <= 0 || memoryMiB <= 0 || gpus < 0) {
            throw new IllegalArgumentException("a task needs cpuMillis > 0, memoryMiB > 0 and gpus >= 0, got "
                    + cpuMillis + ", " + memoryMiB + ", " + gpus);
        }
        constraints = List.copyOf(constraints);
        affinities = List.copyOf(affinities);
        strategy = strategy == null ? Strategy.BINPACK : strategy;
        previousNodes = previousNodes == null ? Set.of() : Set.copyOf(previousNodes);
    }

    /** A first attempt: no earlier nodes to avoid. */
    public TaskRequest(String jobId, int taskIndex, int taskCount, String tenant, long cpuMillis, long memoryMiB,
            int gpus, List<LabelConstraint> constraints, List<Affinity> affinities, Strategy strategy) {
        this(jobId, taskIndex, taskCount, tenant, cpuMillis, memoryMiB, gpus, constraints, affinities, strategy, Set.of());
    }

    public static Builder builder(String jobId) {
        return new Builder(jobId);
    }

    public TaskRequest withTaskIndex(int index) {
        return new TaskRequest(jobId, index, taskCount, tenant, cpuMillis, memoryMiB, gpus, constraints, affinities,
                strategy, previousNodes);
    }

    /** The same task, retried after attempts on these nodes. */
    public TaskRequest withPreviousNodes(Set<String> nodes) {
        return new TaskRequest(jobId, taskIndex, taskCount, tenant, cpuMillis, memoryMiB, gpus, constraints, affinities,
                strategy, nodes);
    }

    /** Whether the two tasks ask for the same thing in the same job, so that one may reuse the other's work. */
    public boolean sameShapeAs(TaskRequest other) {
        return other != null
                && cpuMillis == other.cpuMillis && memoryMiB == other.memoryMiB && gpus == other.gpus
                && taskCount == other.taskCount && strategy == other.strategy
                && jobId.equals(other.jobId) && tenant.equals(other.tenant)
                && (constraints == other.constraints || constraints.equals(other.constraints))
                && (affinities == other.affinities || affinities.equals(other.affinities))
                && previousNodes.equals(other.previousNodes);
    }

    /** Builds one task or a whole array; defaults: one task, tenant "default", no constraints, BINPACK. */
    public static final class Builder {
        private final String jobId;
        private int count = 1;
        private String tenant = "default";
        private long cpuMillis = 100;
        private long memoryMiB = 64;
        private int gpus;
        private final List<LabelConstraint> constraints = new ArrayList<>();
        private final List<Affinity> affinities = new ArrayList<>();
        private Strategy strategy = Strategy.BINPACK;

        private Builder(String jobId) {
            this.jobId = Objects.requireNonNull(jobId, "jobId");
        }

        public Builder count(int count) {
            this.count = count;
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder cpuMillis(long cpuMillis) {
            this.cpuMillis = cpuMillis;
            return this;
        }

        public Builder memoryMiB(long memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        public Builder gpus(int gpus) {
            this.gpus = gpus;
            return this;
        }

        /** A hard constraint, parsed: {@code zone=a}, {@code zone!=a}, {@code zone in (a,b)}. */
        public Builder constraint(String constraint) {
            return constraint(LabelConstraint.parse(constraint));
        }

        public Builder constraint(LabelConstraint constraint) {
            constraints.add(constraint);
            return this;
        }

        public Builder affinity(String constraint, int weight) {
            affinities.add(Affinity.parse(constraint, weight));
            return this;
        }

        public Builder affinity(Affinity affinity) {
            affinities.add(affinity);
            return this;
        }

        public Builder strategy(Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        /** Task 0 of the array. */
        public TaskRequest build() {
            return new TaskRequest(jobId, 0, count, tenant, cpuMillis, memoryMiB, gpus, constraints, affinities, strategy);
        }

        /** All {@code count} tasks of the array, indices 0..count-1, sharing their constraint and affinity lists. */
        public List<TaskRequest> buildArray() {
            TaskRequest first = build();
            List<TaskRequest> tasks = new ArrayList<>(count);
            tasks.add(first);
            for (int i = 1; i < count; i++) {
                tasks.add(first.withTaskIndex(i));
            }
            return List.copyOf(tasks);
        }
    }
}
