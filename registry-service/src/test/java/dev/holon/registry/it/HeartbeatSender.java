package dev.holon.registry.it;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends real heartbeats for one node id on the real broker, as a worker does, and can fall silent like a
 * killed machine. (The real node-worker is exercised end to end by the system tests.)
 */
final class HeartbeatSender implements AutoCloseable {

    private static final KafkaProducer<String, EventEnvelope<?>> PRODUCER = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
            ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new EnvelopeSerializer());
    private static final Envelopes ENVELOPES = new Envelopes("/it/heartbeat-sender", Clock.systemUTC());

    private final String nodeId;
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    HeartbeatSender(String nodeId) {
        this.nodeId = nodeId;
    }

    HeartbeatSender beat() {
        timer.scheduleAtFixedRate(this::send, 0, 250, TimeUnit.MILLISECONDS);
        return this;
    }

    private void send() {
        NodeHeartbeat heartbeat = new NodeHeartbeat(nodeId, sequence.incrementAndGet(), Instant.now(),
                new NodeResources(4000, 8192, 0, 100_000), new NodeUsage(0.25, 0.5, 6000, 90_000), Map.of(), List.of());
        PRODUCER.send(new ProducerRecord<>(Topics.NODE_HEARTBEATS, nodeId, ENVELOPES.wrap(nodeId, null, heartbeat)));
    }

    /** Stops heartbeating at once, like a SIGKILLed worker. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
