package dev.holon.contracts.tenant;

/**
 * A tenant's limits, served by auth-service at {@code GET /api/v1/tenants/{tenant}/quota} (role service, the
 * tenant's members, admins) and set by admins with {@code PUT} there. A null limit means unlimited; a tenant
 * without a quota row answers all nulls. The scheduler enforces the compute limits (a job that would exceed them
 * waits with the reason "tenant quota ..."), storage the byte and file limits (an upload is refused with the
 * numbers).
 *
 * @param cpuMillis    CPU in use by the tenant's running and scheduled tasks, in millicores
 * @param memoryMib    memory in use, MiB
 * @param gpus         GPUs in use
 * @param storageBytes bytes stored (logical file sizes, not counting replicas)
 * @param files        number of files
 */
public record TenantQuota(Long cpuMillis, Long memoryMib, Long gpus, Long storageBytes, Long files) {

    public static final TenantQuota UNLIMITED = new TenantQuota(null, null, null, null, null);
}
