package dev.holon.support.kafka;

import dev.holon.contracts.event.EventEnvelope;
import org.apache.kafka.common.serialization.Deserializer;

/** Kafka value deserializer for {@link EventEnvelope}; set as {@code spring.kafka.consumer.value-deserializer}. */
public class EnvelopeDeserializer implements Deserializer<EventEnvelope<Object>> {

    @Override
    public EventEnvelope<Object> deserialize(String topic, byte[] data) {
        return data == null ? null : EnvelopeJson.read(data);
    }
}
