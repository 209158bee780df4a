package dev.holon.scheduler.placement;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * Builds the {@link PendingReason} of a request no node can take: one pass over every node through the same
 * {@link FeasibilityChain} as placement, counting each node under the first filter that rejects it, with the largest
 * free amount of a resource among the nodes short of it. Runs once per pending request
 * shape and session, so its O(nodes) cost is not paid per task.
 */
final class PendingExplainer {

    private final ClusterSnapshot snapshot;
    private final PlanState plan;
    private final FeasibilityChain feasibility;

    PendingExplainer(ClusterSnapshot snapshot, PlanState plan, FeasibilityChain feasibility) {
        this.snapshot = snapshot;
        this.plan = plan;
        this.feasibility = feasibility;
    }

    PendingReason explain(RequestShape shape, TaskRequest task) {
        int n = snapshot.size();
        if (n == 0) {
            return new PendingReason("no nodes in the cluster", new EnumMap<>(Rejection.class), true);
        }
        EnumMap<Rejection, Integer> counts = new EnumMap<>(Rejection.class);
        int[] byConstraint = new int[shape.eligibility.constraints().size()];
        long shortCpu = 0;
        long shortMemory = 0;
        int shortGpus = 0;
        int open = 0;
        boolean couldEverFit = false;
        for (int node = 0; node < n; node++) {
            Rejection rejection = feasibility.check(shape, task, node);
            if (rejection != null) {
                counts.merge(rejection, 1, Integer::sum);
            }
            switch (rejection) {
                case GPUS -> shortGpus = Math.max(shortGpus, plan.freeGpus(node));
                case CPU -> shortCpu = Math.max(shortCpu, plan.freeCpu(node));
                case MEMORY -> shortMemory = Math.max(shortMemory, plan.freeMemory(node));
                case null, default -> { }
            }
            int failing = shape.eligibility.failingConstraint(snapshot.classOf(node));
            if (rejection == Rejection.CONSTRAINT) {
                byConstraint[failing]++;
            }
            if (failing < 0) {
                couldEverFit |= task.cpuMillis() <= snapshot.allocatableCpu(node)
                        && task.memoryMiB() <= snapshot.allocatableMemory(node)
                        && task.gpus() <= snapshot.allocatableGpus(node);
                if (snapshot.statusRejection(node) == null) {
                    open++;
                }
            }
        }

        List<String> shortages = new ArrayList<>();
        shortage(shortages, counts.get(Rejection.GPUS), open,
                task.gpus() + " free " + (task.gpus() == 1 ? "GPU" : "GPUs"), String.valueOf(shortGpus));
        shortage(shortages, counts.get(Rejection.CPU), open, task.cpuMillis() + "m free CPU", shortCpu + "m");
        shortage(shortages, counts.get(Rejection.MEMORY), open, task.memoryMiB() + " MiB free memory", shortMemory + " MiB");
        // The tenant's quota first: it holds the task back whatever the nodes, even where they lack room too.
        String quotaWords = feasibility.quotaExplanation(task);
        Integer quota = counts.get(Rejection.QUOTA);
        if (quotaWords != null) {
            shortages.addFirst(quotaWords);
        } else if (quota != null) {
            shortages.add(nodes(quota) + " refused by the quota of tenant " + task.tenant());
        }

        List<String> exclusions = new ArrayList<>();
        exclusion(exclusions, counts.get(Rejection.CORDONED), "cordoned");
        exclusion(exclusions, counts.get(Rejection.DRAINING), "draining");
        exclusion(exclusions, counts.get(Rejection.DOWN), "DOWN");
        exclusion(exclusions, counts.get(Rejection.SUSPECT), "SUSPECT");
        for (int i = 0; i < byConstraint.length; i++) {
            exclusion(exclusions, byConstraint[i] == 0 ? null : byConstraint[i],
                    shape.eligibility.constraints().get(i).failureDescription());
        }
        if (!exclusions.isEmpty()) {
            exclusions.set(0, withNodeWord(exclusions.getFirst()));
        }

        StringBuilder text = new StringBuilder();
        if (open == 0) {
            text.append("no node is eligible: ");
        }
        text.append(String.join("; ", shortages));
        if (!exclusions.isEmpty()) {
            text.append(shortages.isEmpty() ? "" : "; ").append(String.join(", ", exclusions));
        }
        if (!couldEverFit) {
            text.append("; no node matching the constraints has that much allocatable in total");
        }
        return new PendingReason(text.toString(), counts, !couldEverFit);
    }

    private static void shortage(List<String> parts, Integer count, int open, String need, String largest) {
        if (count == null) {
            return;
        }
        parts.add(count == open
                ? "no node has " + need + "; largest free is " + largest
                : nodes(count) + (count == 1 ? " lacks " : " lack ") + need + " (at most " + largest + " free)");
    }

    private static void exclusion(List<String> parts, Integer count, String what) {
        if (count != null) {
            parts.add(count + " " + (count == 1 ? what.replaceFirst("^lack ", "lacks ").replaceFirst("^have ", "has ") : what));
        }
    }

    /** "3 cordoned" -> "3 nodes cordoned", for the first exclusion of the list. */
    private static String withNodeWord(String exclusion) {
        int space = exclusion.indexOf(' ');
        String count = exclusion.substring(0, space);
        return nodes(Integer.parseInt(count)) + exclusion.substring(space);
    }

    private static String nodes(int count) {
        return count + (count == 1 ? " node" : " nodes");
    }
}
