package dev.holon.contracts.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The one envelope every Kafka fact travels in, with CloudEvents attributes.
 * {@code id} is unique per fact and is what consumers dedupe on; {@code subject} is the aggregate id
 * and the Kafka key, so one aggregate's facts stay ordered.
 */
public record EventEnvelope<T>(
        String id,
        String type,
        String source,
        Instant time,
        String subject,
        String tenant,
        int dataVersion,
        T data) {

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
    }
}
