package dev.holon.storage.namespace;

import dev.holon.support.security.Caller;
import org.springframework.security.core.Authentication;

/**
 * Who may reach a tenant's files: its own members (only the tenant the request names in {@code X-Holon-Tenant},
 * when it names one); admins; and the cluster's own parts, which act for every tenant: a node (role {@code node}:
 * a worker staging a task's inputs and outputs) and a service (role {@code service}: the scheduler reading where an
 * input's chunks are). A plain user or operator of another tenant never is; a user of no tenant is told so (403).
 * The rules are {@link Caller#mayActIn}'s, shared with every service.
 */
public final class TenantAccess {

    private TenantAccess() {
    }

    public static boolean allows(String tenant, Authentication who) {
        return Caller.of(who).mayActIn(tenant);
    }
}
