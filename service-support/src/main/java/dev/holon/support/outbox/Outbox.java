package dev.holon.support.outbox;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeJson;
import dev.holon.support.kafka.Envelopes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox: a fact is written to {@code outbox_event} in the same database transaction as
 * the state change it describes, and {@link OutboxRelay} sends it to Kafka afterwards. So a fact is
 * published if and only if its change committed (at least once; consumers dedupe on the envelope id). The commit
 * wakes the relay, so a fact leaves at once rather than at the relay's next poll.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final Envelopes envelopes;
    private final Runnable afterCommit;

    /** {@code afterCommit} runs once after each transaction that published commits (it wakes the relay). */
    public Outbox(JdbcClient jdbc, Envelopes envelopes, Runnable afterCommit) {
        this.jdbc = jdbc;
        this.envelopes = envelopes;
        this.afterCommit = afterCommit;
    }

    /** Must run inside the transaction that makes the change; refuses to run outside one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T> EventEnvelope<T> publish(String topic, String subject, String tenant, T data) {
        EventEnvelope<T> envelope = envelopes.wrap(subject, tenant, data);
        jdbc.sql("INSERT INTO outbox_event (event_id, topic, message_key, payload) VALUES (?, ?, ?, ?)")
                .params(envelope.id(), topic, subject, EnvelopeJson.write(envelope))
                .update();
        notifyAfterCommit();
        return envelope;
    }

    /** Registers the after-commit hook once per transaction (the marker resource says it is registered). */
    private void notifyAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || TransactionSynchronizationManager.hasResource(this)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                afterCommit.run();
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(Outbox.this);
            }
        });
    }
}
