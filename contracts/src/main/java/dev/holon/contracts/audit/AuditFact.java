package dev.holon.contracts.audit;

import java.time.Instant;

/**
 * One attributable action on {@code holon.audit} (key = tenant, or "-" for cluster-wide facts). Published by whoever
 * saw it happen: the gateway for every mutating request and every refused token, auth-service for tenants, tokens
 * and enrolments, the registry for a removed node's rejected heartbeat. auth-service stores them and serves
 * {@code GET /api/v1/audit} to admins. Never carries a secret (no token, no request body).
 *
 * @param actor    who acted: a username, {@code node:<id>}, a service client id, or "anonymous"
 * @param tenant   the tenant acted in or on; null when cluster-wide
 * @param action   what was tried, dotted and lower case: {@code http.post}, {@code auth.login-failed},
 *                 {@code token.revoked}, {@code node.enrolled}, {@code tenant.cross-tenant-attempt}, ...
 * @param target   what it was done to: a request path, a token id, a node id
 * @param outcome  {@code success}, {@code denied} or {@code failed}
 * @param status   the HTTP status where there was one, else 0
 * @param detail   a short human-readable reason, or null
 * @param sourceIp the client address where known, else null
 * @param at       when it happened
 */
public record AuditFact(String actor, String tenant, String action, String target, String outcome, int status,
                        String detail, String sourceIp, Instant at) {

    public static final String SUCCESS = "success";
    public static final String DENIED = "denied";
    public static final String FAILED = "failed";
}
