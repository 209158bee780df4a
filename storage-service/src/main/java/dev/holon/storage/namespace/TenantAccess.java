package dev.holon.storage.namespace;

import dev.holon.support.security.Caller;
import dev.holon.support.security.Roles;
import org.springframework.security.core.Authentication;

/**
 * Who may reach a tenant's files: its own members; admins; and the cluster's own parts, which act for every tenant:
 * a node (role {@code node}: a worker staging a task's inputs and outputs) and a service (role {@code service}:
 * the scheduler reading where an input's chunks are). A plain user or operator of another tenant never is.
 */
public final class TenantAccess {

    private TenantAccess() {
    }

    public static boolean allows(String tenant, Authentication who) {
        return tenant.equals(Caller.of(who).tenant()) || Caller.isAdmin(who)
                || who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + Roles.NODE)
                        || a.getAuthority().equals("ROLE_" + Roles.SERVICE));
    }
}
