package dev.holon.auth.tenant;

import dev.holon.support.security.Caller;
import dev.holon.support.security.Roles;
import org.springframework.security.core.Authentication;

/**
 * Who may see what of tenants. Realm admins see and change everything; Holon services (role {@code service}) read
 * everything; anyone else sees only the tenants they belong to (another tenant is a 404, as if it did not exist).
 */
public final class TenantAccess {

    private TenantAccess() {
    }

    public static String username(Authentication who) {
        return Caller.of(who).username();
    }

    public static boolean isAdmin(Authentication who) {
        return Caller.isAdmin(who);
    }

    public static boolean isService(Authentication who) {
        return has(who, Roles.SERVICE);
    }

    /** Admins and services read every tenant. */
    public static boolean readsAll(Authentication who) {
        return isAdmin(who) || isService(who);
    }

    static boolean has(Authentication who, String role) {
        return who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role));
    }
}
