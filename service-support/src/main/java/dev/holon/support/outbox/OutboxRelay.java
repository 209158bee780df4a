package dev.holon.support.outbox;

import dev.holon.support.concurrent.Wakeup;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends committed outbox rows to Kafka in commit order, then deletes them. One relay per service schema
 * works at a time (a PostgreSQL advisory lock held for the batch's transaction), so replicas never reorder
 * one aggregate's facts; a crash between send and delete re-sends, which consumers tolerate.
 */
public class OutboxRelay implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final KafkaTemplate<String, byte[]> kafka;
    private final int batchSize;
    private final Wakeup wakeup = new Wakeup("outbox-relay-wakeup", this::relay);

    public OutboxRelay(JdbcClient jdbc, TransactionTemplate transactions, KafkaTemplate<String, byte[]> kafka, int batchSize) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.kafka = kafka;
        this.batchSize = batchSize;
    }

    /**
     * Relays soon on another thread, without waiting for the poll. Wake-ups while one is queued coalesce; one that
     * arrives during a relay queues the next, so a row committed meanwhile is not left for the poll.
     */
    public void wake() {
        wakeup.request();
    }

    /**
     * The safety net, for rows no wake-up covered (one committed while another replica held the lock, or left by a
     * crash): polls whether or not anything woke it. One relay at a time per process.
     */
    @Scheduled(fixedDelayString = "${holon.outbox.poll-interval:PT1S}")
    public synchronized void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            } while (sent != null && sent == batchSize);
        } catch (RuntimeException e) {
            log.warn("Outbox relay could not publish yet, will retry: {}", e.getMessage());
        }
    }

    /** Returns how many facts were published. */
    int relayBatch() {
        Boolean locked = jdbc.sql("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.outbox'))")
                .query(Boolean.class).single();
        if (!locked) {
            return 0;
        }
        List<Row> rows = jdbc.sql("SELECT seq, topic, message_key, payload FROM outbox_event ORDER BY seq LIMIT ?")
                .param(batchSize)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)))
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        CompletableFuture<?>[] sends = rows.stream()
                .map(row -> kafka.send(new ProducerRecord<>(row.topic(), row.key(), row.payload())))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(sends).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka did not acknowledge outbox batch: " + e.getMessage(), e);
        }
        jdbc.sql("DELETE FROM outbox_event WHERE seq <= ?").param(rows.getLast().seq()).update();
        return rows.size();
    }

    @Override
    public void destroy() {
        wakeup.close();
    }

    private record Row(long seq, String topic, String key, byte[] payload) {
    }
}
