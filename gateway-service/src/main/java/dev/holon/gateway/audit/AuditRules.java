package dev.holon.gateway.audit;

import dev.holon.contracts.audit.AuditFact;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which requests the gateway audits, and as what. Plain Java, unit-tested on its own.
 *
 * <ul>
 * <li>a mutating request (POST, PUT, PATCH, DELETE) that reached a route: {@code http.<method>}, whatever the
 * answer;</li>
 * <li>any other request refused for a missing, bad or expired token (401): {@code auth.token-rejected};</li>
 * <li>any other request refused as not allowed (403): {@code auth.forbidden}.</li>
 * </ul>
 * The outcome follows the status: below 400 {@code success}; 401, 403 and 429 {@code denied}; else {@code failed}.
 */
public final class AuditRules {

    public static final String TOKEN_REJECTED = "auth.token-rejected";
    public static final String FORBIDDEN = "auth.forbidden";

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** What to record: the action and its outcome. */
    public record Verdict(String action, String outcome) {
    }

    private AuditRules() {
    }

    public static Optional<Verdict> of(String method, boolean routed, int status) {
        if (routed && MUTATING.contains(method)) {
            return Optional.of(new Verdict("http." + method.toLowerCase(Locale.ROOT), outcome(status)));
        }
        if (status == 401) {
            return Optional.of(new Verdict(TOKEN_REJECTED, AuditFact.DENIED));
        }
        if (status == 403) {
            return Optional.of(new Verdict(FORBIDDEN, AuditFact.DENIED));
        }
        return Optional.empty();
    }

    public static String outcome(int status) {
        if (status < 400) {
            return AuditFact.SUCCESS;
        }
        return status == 401 || status == 403 || status == 429 ? AuditFact.DENIED : AuditFact.FAILED;
    }
}
