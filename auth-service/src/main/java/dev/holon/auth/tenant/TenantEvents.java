package dev.holon.auth.tenant;

/**
 * Published (Spring application events, synchronously, inside the change's transaction) when a tenant or a membership
 * goes, so what hangs on it (personal access tokens) goes in the same transaction without the tenant package knowing.
 */
public final class TenantEvents {

    private TenantEvents() {
    }

    public record TenantDeleted(String tenant, String by) {
    }

    public record MemberRemoved(String tenant, String username, String by) {
    }
}
