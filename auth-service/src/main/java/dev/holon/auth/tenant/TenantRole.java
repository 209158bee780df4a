package dev.holon.auth.tenant;

import java.util.Arrays;
import java.util.Optional;

/** What a user is in one tenant: an {@code admin} of it (manages its members) or a {@code member}. */
public enum TenantRole {
    ADMIN("admin"),
    MEMBER("member");

    private final String value;

    TenantRole(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<TenantRole> of(String value) {
        return Arrays.stream(values()).filter(r -> r.value.equals(value)).findFirst();
    }
}
