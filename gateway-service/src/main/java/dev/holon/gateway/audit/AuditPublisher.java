package dev.holon.gateway.audit;

import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.Envelopes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes audit facts to {@code holon.audit} without ever holding up a request: {@link #offer} only puts the fact
 * in a bounded buffer (never blocks, never throws) and one background thread sends from it. A full buffer or a
 * failed send drops the fact and counts it ({@code holon_gateway_audit_dropped_total{reason}}); sent facts are
 * counted too ({@code holon_gateway_audit_published_total}). Key = the tenant, or "-" for none.
 *
 * <p>Why not the transactional outbox: the gateway has no database and no state change to make atomic with the
 * fact; an audit trail that may lose facts under overload (counted) is the trade for a gateway that never waits on
 * Kafka.
 */
public final class AuditPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditPublisher.class);
    static final String NO_TENANT_KEY = "-";

    private record Pending(String key, AuditFact fact) {
    }

    private final BlockingQueue<Pending> buffer;
    private final KafkaTemplate<String, EventEnvelope<?>> kafka;
    private final Envelopes envelopes;
    private final Duration drainOnStop;
    private final Counter published;
    private final Counter bufferFull;
    private final Counter sendFailed;
    private static final long FAILURE_LOG_INTERVAL = Duration.ofSeconds(10).toNanos();
    private final AtomicLong lastFailureLog = new AtomicLong();
    private volatile Thread sender;
    private volatile boolean running;

    public AuditPublisher(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes, int capacity,
                          Duration drainOnStop, MeterRegistry meters) {
        this.kafka = kafka;
        this.envelopes = envelopes;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.drainOnStop = drainOnStop;
        this.published = Counter.builder("holon.gateway.audit.published")
                .description("Audit facts handed to Kafka").register(meters);
        this.bufferFull = dropped(meters, "buffer-full");
        this.sendFailed = dropped(meters, "send-failed");
    }

    private static Counter dropped(MeterRegistry meters, String reason) {
        return Counter.builder("holon.gateway.audit.dropped").tag("reason", reason)
                .description("Audit facts lost: the buffer was full or Kafka refused them").register(meters);
    }

    /** Queues the fact for sending; false (and counted) when the buffer is full. Never blocks or throws. */
    public boolean offer(AuditFact fact) {
        String key = fact.tenant() == null ? NO_TENANT_KEY : fact.tenant();
        if (buffer.offer(new Pending(key, fact))) {
            return true;
        }
        bufferFull.increment();
        return false;
    }

    @Override
    public void start() {
        running = true;
        sender = Thread.ofPlatform().daemon().name("audit-publisher").start(this::sendLoop);
    }

    private void sendLoop() {
        while (running || !buffer.isEmpty()) {
            Pending next;
            try {
                next = buffer.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next != null) {
                send(next);
            }
        }
    }

    private void send(Pending pending) {
        try {
            EventEnvelope<AuditFact> envelope = envelopes.wrap(pending.key(), pending.fact().tenant(), pending.fact());
            kafka.send(Topics.AUDIT, pending.key(), envelope).whenComplete((result, error) -> {
                if (error == null) {
                    published.increment();
                } else {
                    failed(pending, error);
                }
            });
        } catch (RuntimeException e) { // no metadata within max.block.ms, serialization: never kill the loop
            failed(pending, e);
        }
    }

    /** Counted always; logged at most every 10 s, so a broker outage does not flood the log. */
    private void failed(Pending pending, Throwable error) {
        sendFailed.increment();
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if ((last == 0 || now - last >= FAILURE_LOG_INTERVAL) && lastFailureLog.compareAndSet(last, now)) {
            log.warn("Audit facts are not being published (dropped so far: {}); this one: {} {}: {}",
                    (long) sendFailed.count(), pending.fact().action(), pending.fact().target(), error.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        Thread thread = sender;
        if (thread != null) {
            try {
                thread.join(drainOnStop.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread.interrupt();
        }
        if (!buffer.isEmpty()) {
            log.warn("{} audit facts were not published before shutdown", buffer.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Facts waiting to be sent (for tests and health). */
    public int pending() {
        return buffer.size();
    }
}
