package dev.holon.support.outbox;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeJson;
import dev.holon.support.kafka.Envelopes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The transactional outbox: a fact is written to {@code outbox_event} in the same database transaction as
 * the state change it describes, and {@link OutboxRelay} sends it to Kafka afterwards. So a fact is
 * published if and only if its change committed (at least once; consumers dedupe on the envelope id).
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final Envelopes envelopes;

    public Outbox(JdbcClient jdbc, Envelopes envelopes) {
        this.jdbc = jdbc;
        this.envelopes = envelopes;
    }

    /** Must run inside the transaction that makes the change; refuses to run outside one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T> EventEnvelope<T> publish(String topic, String subject, String tenant, T data) {
        EventEnvelope<T> envelope = envelopes.wrap(subject, tenant, data);
        jdbc.sql("INSERT INTO outbox_event (event_id, topic, message_key, payload) VALUES (?, ?, ?, ?)")
                .params(envelope.id(), topic, subject, EnvelopeJson.write(envelope))
                .update();
        return envelope;
    }
}
