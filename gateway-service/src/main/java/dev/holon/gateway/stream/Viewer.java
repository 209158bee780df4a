package dev.holon.gateway.stream;

import java.util.Set;

/**
 * Who reads the stream: the tenants whose task facts they see (their tenants from the token's groups, or only the
 * one they name in {@code X-Holon-Tenant}; see {@link dev.holon.support.security.Caller}) and whether they see every
 * tenant's facts (operators and admins, as in the scheduler's job list). Plain Java.
 */
public record Viewer(Set<String> tenants, boolean seesAllTenants) {

    /** The tenant of a task fact whose envelope names none (facts from before tenants were named). */
    public static final String DEFAULT_TENANT = "default";

    public Viewer {
        tenants = Set.copyOf(tenants);
    }

    public static Viewer of(Set<String> tenants, boolean operatorOrAdmin) {
        return new Viewer(tenants == null ? Set.of() : tenants, operatorOrAdmin);
    }

    /** Facts without a tenant (nodes) are for everyone; a tenant's facts for that tenant, operators and admins. */
    public boolean maysee(StreamFact fact) {
        return fact.tenant() == null || seesAllTenants || tenants.contains(fact.tenant());
    }
}
