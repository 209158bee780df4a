package dev.holon.auth.audit;

import java.time.Instant;

/**
 * One audit log entry as {@code GET /api/v1/audit} shows it: the {@link dev.holon.contracts.audit.AuditFact} plus the
 * envelope's id (stable order, and the {@code after} of a follow-up query) and its source (service and process).
 */
public record AuditEntry(String id, String actor, String tenant, String action, String target, String outcome,
                         int status, String detail, String sourceIp, Instant at, String source) {
}
