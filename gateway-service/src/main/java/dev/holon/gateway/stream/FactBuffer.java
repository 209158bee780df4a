package dev.holon.gateway.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@code capacity} facts this gateway replica saw, numbered 1, 2, 3... so a client that reconnects
 * with the number of the last fact it got receives exactly the ones after it. Plain Java, thread-safe.
 */
public final class FactBuffer {

    private final int capacity;
    private final ArrayDeque<StreamFact> facts;
    private long lastSequence;

    public FactBuffer(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.facts = new ArrayDeque<>(capacity);
    }

    /** Stores a fact under the next number, forgetting the oldest one when full. */
    public synchronized StreamFact append(String type, String tenant, String json) {
        StreamFact fact = new StreamFact(++lastSequence, type, tenant, json);
        if (facts.size() == capacity) {
            facts.removeFirst();
        }
        facts.addLast(fact);
        return fact;
    }

    /** The number of the newest fact, 0 before the first. */
    public synchronized long lastSequence() {
        return lastSequence;
    }

    /**
     * The facts after {@code sequence}, oldest first; empty when {@code sequence} is older than the oldest fact
     * still kept (facts in between were forgotten, the client must reload) or newer than the newest (not ours).
     */
    public synchronized Optional<List<StreamFact>> after(long sequence) {
        if (sequence > lastSequence || sequence < 0) {
            return Optional.empty();
        }
        long oldestKept = facts.isEmpty() ? lastSequence + 1 : facts.getFirst().sequence();
        if (sequence + 1 < oldestKept) {
            return Optional.empty();
        }
        List<StreamFact> newer = new ArrayList<>((int) (lastSequence - sequence));
        for (StreamFact fact : facts) {
            if (fact.sequence() > sequence) {
                newer.add(fact);
            }
        }
        return Optional.of(newer);
    }
}
