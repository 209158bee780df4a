package dev.holon.registry.it;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.testsupport.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads {@code holon.node.events} from the real broker in the background, from the beginning. */
final class NodeEvents implements AutoCloseable {

    private final List<EventEnvelope<Object>> seen = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    NodeEvents() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        poller = Thread.ofPlatform().daemon().start(() -> {
            try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new EnvelopeDeserializer())) {
                consumer.subscribe(List.of(Topics.NODE_EVENTS));
                while (running) {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> seen.add(record.value()));
                }
            }
        });
    }

    /** The event types seen so far for one node, in order. */
    List<String> typesFor(String nodeId) {
        return seen.stream().filter(e -> nodeId.equals(e.subject())).map(EventEnvelope::type).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
    }
}
