package dev.holon.support.kafka;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;

import java.time.Duration;
import java.time.Instant;

/**
 * Makes consumers idempotent: Kafka may deliver a fact twice, so a consumer handles a fact only the first time
 * its envelope id is recorded here, in the same transaction as the handling.
 */
public class ProcessedEvents {

    private final JdbcClient jdbc;
    private final Duration retention;

    public ProcessedEvents(JdbcClient jdbc, Duration retention) {
        this.jdbc = jdbc;
        this.retention = retention;
    }

    /** True when this consumer has not seen the event before (and records it). */
    public boolean firstDelivery(String consumer, String eventId) {
        return jdbc.sql("INSERT INTO processed_event (consumer, event_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .params(consumer, eventId)
                .update() == 1;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    public void forgetOldEntries() {
        jdbc.sql("DELETE FROM processed_event WHERE processed_at < ?")
                .param(java.sql.Timestamp.from(Instant.now().minus(retention)))
                .update();
    }
}
