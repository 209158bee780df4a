package dev.holon.auth.audit;

import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.support.outbox.Outbox;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import java.time.Clock;

/**
 * auth-service's own attributable actions, as {@link AuditFact}s on {@code holon.audit} through the outbox: published
 * if and only if the change they describe commits. They come back through {@link AuditListener} like everyone else's,
 * so the audit log has one way in. Never carries a secret.
 */
@Component
public class AuditLog {

    /** Cluster-wide facts (no tenant) are keyed so. */
    static final String NO_TENANT_KEY = "-";

    private final Outbox outbox;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;

    public AuditLog(Outbox outbox, Clock clock, PlatformTransactionManager transactions) {
        this.outbox = outbox;
        this.clock = clock;
        this.ownTransaction = new TransactionTemplate(transactions);
        ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** In the transaction of the change (mandatory). */
    public void record(String actor, String tenant, String action, String target, String outcome, int status,
            String detail) {
        AuditFact fact = new AuditFact(actor, tenant, action, target, outcome, status, detail, sourceIp(),
                clock.instant());
        outbox.publish(Topics.AUDIT, tenant == null ? NO_TENANT_KEY : tenant, tenant, fact);
    }

    /** A success in the transaction of the change. */
    public void success(String actor, String tenant, String action, String target, int status, String detail) {
        record(actor, tenant, action, target, AuditFact.SUCCESS, status, detail);
    }

    /** A refusal, in a transaction of its own: nothing else commits when something is refused. */
    public void denied(String actor, String tenant, String action, String target, int status, String detail) {
        ownTransaction.executeWithoutResult(s -> record(actor, tenant, action, target, AuditFact.DENIED, status, detail));
    }

    /** The caller's address as the gateway forwarded it (server.forward-headers-strategy), when there is a request. */
    private static String sourceIp() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet
                ? servlet.getRequest().getRemoteAddr() : null;
    }
}
