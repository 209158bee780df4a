package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;

/**
 * Feasibility hook for tenant quotas: may this tenant receive this task on this node, given what the plan being
 * made has already given the tenant? It runs after the cheaper filters, once per visited node that passed them.
 * Implementations must be pure and monotone within a plan (once a task is refused, a larger {@code plannedForTenant}
 * refuses it too), since placement stops trying a request once no node accepts it.
 */
@FunctionalInterface
public interface TenantQuota {

    TenantQuota UNLIMITED = (task, node, plannedForTenant) -> true;

    /**
     * @param plannedForTenant resources this plan has already placed for {@code task.tenant()}, in addition to what
     *                         the snapshot already shows as running (disk always 0)
     */
    boolean admits(TaskRequest task, NodeSnapshot node, NodeResources plannedForTenant);

    /**
     * Why the quota refuses the task whatever the node, for the pending reason shown on the job ("tenant quota: acme
     * would use 6000 of 4000 millicores CPU"), or null when it does not (or cannot say).
     */
    default String explain(TaskRequest task, NodeResources plannedForTenant) {
        return null;
    }
}
