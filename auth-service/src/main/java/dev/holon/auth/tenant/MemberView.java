package dev.holon.auth.tenant;

import java.time.Instant;

/** A user's membership of a tenant as the API shows it; {@code role} is {@code admin} or {@code member}. */
public record MemberView(String tenant, String username, String role, Instant addedAt, String addedBy) {

    static MemberView of(TenantRepository.MemberRow row) {
        return new MemberView(row.tenant(), row.username(), row.role().value(), row.addedAt(), row.addedBy());
    }
}
