package dev.holon.auth.audit;

import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.event.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.time.Clock;

/**
 * Stores every {@link AuditFact} on {@code holon.audit}, whoever published it (the gateway, the registry, auth-service
 * itself). Idempotent by envelope id: the id is the row's key, so a redelivered fact is stored once. From the start
 * of the topic, so a new replica set misses nothing; one consumer group shares the partitions between replicas.
 */
@Component
public class AuditListener {

    private static final Logger log = LoggerFactory.getLogger(AuditListener.class);

    private final AuditRepository entries;
    private final Clock clock;

    public AuditListener(AuditRepository entries, Clock clock) {
        this.entries = entries;
        this.clock = clock;
    }

    @KafkaListener(topics = Topics.AUDIT, groupId = "${spring.application.name}",
            properties = "auto.offset.reset=earliest")
    public void onFact(EventEnvelope<Object> envelope) {
        if (!(envelope.data() instanceof AuditFact fact)) {
            log.debug("Ignoring {} on {}", envelope.type(), Topics.AUDIT);
            return;
        }
        entries.insert(envelope.id(), envelope.source(), fact, envelope.time() != null ? envelope.time() : clock.instant());
    }
}
