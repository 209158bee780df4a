package dev.holon.support.kafka;

import dev.holon.contracts.Ids;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.event.EventTypes;

import java.time.Clock;

/** Wraps a fact from {@code contracts} in the envelope, stamped with this service as its source. */
public final class Envelopes {

    private final String source;
    private final Clock clock;

    public Envelopes(String source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    public <T> EventEnvelope<T> wrap(String subject, String tenant, T data) {
        return new EventEnvelope<>(Ids.newId(), EventTypes.typeOf(data.getClass()), source, clock.instant(),
                subject, tenant, 1, data);
    }
}
