package dev.holon.auth.tenant;

import java.time.Instant;

/**
 * A tenant as the API shows it.
 *
 * @param synced whether Keycloak's group {@code /tenants/<name>} has caught up with the tenant's members
 */
public record TenantView(String name, String description, Instant createdAt, String createdBy, boolean synced) {

    static TenantView of(TenantRepository.TenantRow row) {
        return new TenantView(row.name(), row.description(), row.createdAt(), row.createdBy(), row.synced());
    }
}
