package dev.holon.auth.token;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * A personal access token as the API shows it; never its secret, except {@code token} in the answer to its creation
 * (the only time it is shown).
 *
 * @param state {@code active}, {@code expired} or {@code revoked}
 */
public record PatView(String id, String name, String owner, String tenant, List<String> scopes, List<String> roles,
                      Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt, String state,
                      @JsonInclude(JsonInclude.Include.NON_NULL) String token) {

    static PatView of(PatRepository.PatRow row, Instant now, String token) {
        String state = row.revokedAt() != null ? "revoked" : now.isBefore(row.expiresAt()) ? "active" : "expired";
        return new PatView(row.id(), row.name(), row.owner(), row.tenant(), row.scopes(), row.roles(), row.createdAt(),
                row.expiresAt(), row.revokedAt(), row.lastUsedAt(), state, token);
    }
}
