package dev.holon.testsupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every message on a topic of a real broker, from the beginning, in a background consumer of its own
 * group. Holon keys every fact by its aggregate id, so {@link #valuesFor} gives one aggregate's facts in order.
 */
public final class TopicRecorder<V> implements AutoCloseable {

    private record Message<V>(String key, V value) {
    }

    private final List<Message<V>> seen = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    public TopicRecorder(String bootstrapServers, String topic, Deserializer<V> values) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-recorder-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        poller = Thread.ofPlatform().daemon().name("record-" + topic).start(() -> {
            try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
                consumer.subscribe(List.of(topic));
                while (running) {
                    consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(new Message<>(r.key(), r.value())));
                }
            }
        });
    }

    /** The values seen so far under one key, in order. */
    public List<V> valuesFor(String key) {
        return seen.stream().filter(m -> key.equals(m.key())).map(Message::value).toList();
    }

    /** Every value seen so far, in arrival order (for facts whose key a test cannot know). */
    public List<V> values() {
        return seen.stream().map(Message::value).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(5000);
    }
}
