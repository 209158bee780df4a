package dev.holon.auth.enrolment;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A node enrolment token as the API shows it; {@code token} only in the answer to its creation.
 *
 * @param state {@code active}, {@code used-up}, {@code expired} or {@code revoked}
 */
public record EnrolmentView(String id, String description, int uses, int used, String createdBy, Instant createdAt,
                            Instant expiresAt, Instant revokedAt, String state,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String token) {

    static EnrolmentView of(EnrolmentRepository.TokenRow row, Instant now, String token) {
        return new EnrolmentView(row.id(), row.description(), row.uses(), row.used(), row.createdBy(), row.createdAt(),
                row.expiresAt(), row.revokedAt(), state(row, now), token);
    }

    static String state(EnrolmentRepository.TokenRow row, Instant now) {
        if (row.revokedAt() != null) {
            return "revoked";
        }
        if (!now.isBefore(row.expiresAt())) {
            return "expired";
        }
        return row.used() >= row.uses() ? "used-up" : "active";
    }
}
