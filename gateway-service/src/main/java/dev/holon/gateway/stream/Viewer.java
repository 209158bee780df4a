package dev.holon.gateway.stream;

/**
 * Who reads the stream: their tenant (the token's {@code tenant} claim, else {@code default}) and whether they
 * see every tenant's facts (operators and admins, as in the scheduler's job list). Plain Java.
 */
public record Viewer(String tenant, boolean seesAllTenants) {

    public static final String DEFAULT_TENANT = "default";

    public static Viewer of(String tenantClaim, boolean operatorOrAdmin) {
        return new Viewer(tenantClaim == null || tenantClaim.isBlank() ? DEFAULT_TENANT : tenantClaim, operatorOrAdmin);
    }

    /** Facts without a tenant (nodes) are for everyone; a tenant's facts for that tenant, operators and admins. */
    public boolean maysee(StreamFact fact) {
        return fact.tenant() == null || seesAllTenants || fact.tenant().equals(tenant);
    }
}
