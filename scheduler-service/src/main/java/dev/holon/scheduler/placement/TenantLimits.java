package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;

import java.util.Map;
import java.util.Objects;

/**
 * The tenant-quota feasibility stage: a tenant may receive a task only while its CPU, memory and GPUs in use
 * (its SCHEDULED and RUNNING tasks, {@code inUse}), plus what the plan being made already gave it, plus the task,
 * stay within its limits. A tenant without an entry in {@code limits}, or a null limit, is unlimited. Pure and
 * monotone (a larger planned total never admits what a smaller one refused), as {@link TenantQuota} requires; the
 * node does not matter. Immutable; build one per placement pass.
 */
public final class TenantLimits implements TenantQuota {

    /** One tenant's compute limits (null: unlimited), as auth-service's {@code TenantQuota} gives them. */
    public record Limit(Long cpuMillis, Long memoryMiB, Long gpus) {

        public static final Limit UNLIMITED = new Limit(null, null, null);

        public static Limit of(dev.holon.contracts.tenant.TenantQuota quota) {
            return quota == null ? UNLIMITED : new Limit(quota.cpuMillis(), quota.memoryMib(), quota.gpus());
        }

        public boolean unlimited() {
            return cpuMillis == null && memoryMiB == null && gpus == null;
        }
    }

    private final Map<String, Limit> limits;
    private final Map<String, NodeResources> inUse;

    /**
     * @param limits per tenant; absent tenants are unlimited
     * @param inUse  per tenant, what its SCHEDULED and RUNNING tasks hold (disk ignored); absent tenants hold nothing
     */
    public TenantLimits(Map<String, Limit> limits, Map<String, NodeResources> inUse) {
        this.limits = Map.copyOf(Objects.requireNonNull(limits, "limits"));
        this.inUse = Map.copyOf(Objects.requireNonNull(inUse, "inUse"));
    }

    @Override
    public boolean admits(TaskRequest task, NodeSnapshot node, NodeResources plannedForTenant) {
        return exceeded(task, plannedForTenant) == null;
    }

    @Override
    public String explain(TaskRequest task, NodeResources plannedForTenant) {
        return exceeded(task, plannedForTenant);
    }

    /** "tenant quota: acme would use 6000 of 4000 millicores CPU" for the limits the task would break, or null. */
    private String exceeded(TaskRequest task, NodeResources planned) {
        Limit limit = limits.get(task.tenant());
        if (limit == null) {
            return null;
        }
        NodeResources used = inUse.getOrDefault(task.tenant(), NodeResources.NONE);
        StringBuilder why = null;
        long cpu = used.cpuMillis() + planned.cpuMillis() + task.cpuMillis();
        if (limit.cpuMillis() != null && cpu > limit.cpuMillis()) {
            why = append(why, task, cpu + " of " + limit.cpuMillis() + " millicores CPU");
        }
        long memory = used.memoryMiB() + planned.memoryMiB() + task.memoryMiB();
        if (limit.memoryMiB() != null && memory > limit.memoryMiB()) {
            why = append(why, task, memory + " of " + limit.memoryMiB() + " MiB memory");
        }
        long gpus = (long) used.gpus() + planned.gpus() + task.gpus();
        if (limit.gpus() != null && task.gpus() > 0 && gpus > limit.gpus()) {
            why = append(why, task, gpus + " of " + limit.gpus() + (limit.gpus() == 1 ? " GPU" : " GPUs"));
        }
        return why == null ? null : why.toString();
    }

    private static StringBuilder append(StringBuilder why, TaskRequest task, String part) {
        if (why == null) {
            return new StringBuilder("tenant quota: ").append(task.tenant()).append(" would use ").append(part);
        }
        return why.append(" and ").append(part);
    }
}
