package dev.holon.support.kafka;

import dev.holon.contracts.event.EventEnvelope;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer for {@link EventEnvelope}; set as {@code spring.kafka.producer.value-serializer}. */
public class EnvelopeSerializer implements Serializer<EventEnvelope<?>> {

    @Override
    public byte[] serialize(String topic, EventEnvelope<?> envelope) {
        return envelope == null ? null : EnvelopeJson.write(envelope);
    }
}
