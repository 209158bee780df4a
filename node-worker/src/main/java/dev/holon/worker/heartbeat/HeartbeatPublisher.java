package dev.holon.worker.heartbeat;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.worker.BackgroundLoop;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.metrics.MachineProbe;
import dev.holon.worker.metrics.NodeInventory;
import dev.holon.worker.registration.EnrolmentStatus;
import dev.holon.support.kafka.Envelopes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes a {@link NodeHeartbeat} with fresh usage figures every heartbeat-interval on
 * {@code holon.node.heartbeats}, key = node id, while the node is enrolled. Fire and forget: a heartbeat the broker
 * does not take in time is dropped and counted, never queued, because the next one carries fresher news.
 * <p>
 * While the broker lags (the previous heartbeat is still not delivered when the next is due) each heartbeat also goes
 * to the registry over REST ({@link HeartbeatFallback}), one call at a time: a broker restart must not make the
 * registry believe the machines died.
 * <p>
 * {@code sequence} starts at this process's start time in epoch milliseconds and counts up by one, so it keeps
 * increasing across restarts of the worker (one heartbeat a second never catches up with the clock) and a consumer
 * can drop reordered or stale heartbeats by comparing it with the last one seen.
 */
public class HeartbeatPublisher extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatPublisher.class);

    private final KafkaTemplate<String, EventEnvelope<?>> kafka;
    private final NodeIdentity identity;
    private final MachineProbe probe;
    private final EnrolmentStatus enrolment;
    private final Duration interval;
    private final Clock clock;
    private final Envelopes envelopes;
    private final AtomicLong sequence;
    private final Counter sent;
    private final Counter dropped;
    private final AtomicLong droppedInARow = new AtomicLong();
    private final HeartbeatFallback fallback;
    private final Counter sentOverRest;
    private final AtomicBoolean previousDelivered = new AtomicBoolean(true);
    private final AtomicBoolean fallbackBusy = new AtomicBoolean();
    /** How the last REST heartbeat of this outage went (null: none yet): only a change is logged. */
    private final AtomicReference<Boolean> restTaken = new AtomicReference<>();

    public HeartbeatPublisher(KafkaTemplate<String, EventEnvelope<?>> kafka, NodeIdentity identity, MachineProbe probe,
                              EnrolmentStatus enrolment, Envelopes envelopes, Duration interval, Clock clock,
                              MeterRegistry meters, HeartbeatFallback fallback) {
        super("node-heartbeat");
        this.kafka = kafka;
        this.identity = identity;
        this.probe = probe;
        this.enrolment = enrolment;
        this.interval = interval;
        this.clock = clock;
        this.envelopes = envelopes;
        this.sequence = new AtomicLong(clock.millis());
        this.sent = meters.counter("holon.worker.heartbeats", "result", "sent");
        this.dropped = meters.counter("holon.worker.heartbeats", "result", "dropped");
        this.sentOverRest = meters.counter("holon.worker.heartbeats", "result", "sent-over-rest");
        this.fallback = fallback;
    }

    @Override
    protected void started(ScheduledExecutorService executor) {
        // Fixed delay, not fixed rate: a send that blocks (broker down, max.block.ms) never causes a burst afterwards.
        executor.scheduleWithFixedDelay(this::beatSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops before the Kafka producer closes and after the registration loop, like every default-phase bean. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }

    void beatSafely() {
        try {
            beat();
        } catch (RuntimeException e) {
            // Never let an exception cancel the schedule.
            failed(e);
        }
    }

    void beat() {
        if (!enrolment.isEnrolled()) {
            return;
        }
        NodeInventory inventory = probe.inventory();
        NodeHeartbeat heartbeat = new NodeHeartbeat(identity.nodeId(), sequence.incrementAndGet(), clock.instant(),
                inventory.capacity(), probe.sampleUsage(), identity.labels().asMap(), inventory.gpus());
        EventEnvelope<NodeHeartbeat> envelope = envelopes.wrap(identity.nodeId(), null, heartbeat);
        boolean brokerLags = !previousDelivered.getAndSet(false);
        try {
            kafka.send(Topics.NODE_HEARTBEATS, identity.nodeId(), envelope).whenComplete((result, error) -> {
                if (error == null) {
                    previousDelivered.set(true);
                    delivered();
                } else {
                    failed(error);
                }
            });
        } catch (RuntimeException e) {
            failed(e);
            brokerLags = true;
        }
        if (brokerLags) {
            sendOverRest(heartbeat);
        }
    }

    private void sendOverRest(NodeHeartbeat heartbeat) {
        if (!fallbackBusy.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("node-heartbeat-rest").start(() -> {
            try {
                fallback.send(heartbeat);
                sentOverRest.increment();
                if (!Boolean.TRUE.equals(restTaken.getAndSet(true))) {
                    log.info("The broker lags: heartbeats go to the registry over REST until it takes them again");
                }
            } catch (RuntimeException e) {
                if (!Boolean.FALSE.equals(restTaken.getAndSet(false))) {
                    log.warn("Neither the broker nor the registry takes heartbeats: {}", e.toString());
                }
            } finally {
                fallbackBusy.set(false);
            }
        });
    }

    private void delivered() {
        sent.increment();
        long lost = droppedInARow.getAndSet(0);
        restTaken.set(null);
        if (lost > 0) {
            log.info("Heartbeats reach the broker again after {} dropped", lost);
        }
    }

    private void failed(Throwable error) {
        dropped.increment();
        if (droppedInARow.getAndIncrement() == 0) {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            log.warn("Heartbeat dropped, the broker did not take it: {}; later ones are dropped quietly until it does",
                    cause.toString());
        }
    }
}
