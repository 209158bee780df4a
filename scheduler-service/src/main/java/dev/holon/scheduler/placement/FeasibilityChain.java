package dev.holon.scheduler.placement;

/**
 * The feasibility filters in order, cheapest and most selective first: node status (precomputed per snapshot),
 * label constraints (cached per node class), free resources after the plan so far, then the tenant-quota hook.
 * Placement and the pending-reason explainer both use it, so they can never disagree. Not thread-safe.
 */
final class FeasibilityChain {

    private final ClusterSnapshot snapshot;
    private final PlanState plan;
    private final TenantQuota quota;
    private final boolean quotaEnabled;

    FeasibilityChain(ClusterSnapshot snapshot, PlanState plan, TenantQuota quota) {
        this.snapshot = snapshot;
        this.plan = plan;
        this.quota = quota;
        this.quotaEnabled = quota != TenantQuota.UNLIMITED;
    }

    /** The first filter that rejects {@code node} for {@code task}, or {@code null} when the node can take it now. */
    Rejection check(RequestShape shape, TaskRequest task, int node) {
        Rejection status = snapshot.statusRejection(node);
        if (status != null) {
            return status;
        }
        if (shape.eligibility.failingConstraint(snapshot.classOf(node)) >= 0) {
            return Rejection.CONSTRAINT;
        }
        Rejection resources = ResourceFilter.check(task, plan.freeCpu(node), plan.freeMemory(node), plan.freeGpus(node));
        if (resources != null) {
            return resources;
        }
        if (quotaEnabled && !quota.admits(task, snapshot.node(node), plan.plannedFor(task.tenant()))) {
            return Rejection.QUOTA;
        }
        return null;
    }

    /** The quota's own words when it refuses the task whatever the node, else null. */
    String quotaExplanation(TaskRequest task) {
        return quotaEnabled ? quota.explain(task, plan.plannedFor(task.tenant())) : null;
    }
}
