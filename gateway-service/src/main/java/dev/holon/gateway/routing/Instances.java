package dev.holon.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The replicas of one service and which of them refused a connection lately. Each request gets every
 * instance in the order to try them: round robin over those not refusing, then the refusing ones (soonest
 * to be retried first), so a dead replica costs one refused connect per quarantine, and a request is
 * still tried everywhere when all of them refused. Plain Java, thread-safe.
 */
public final class Instances {

    private final List<URI> all;
    private final long quarantineNanos;
    private final LongSupplier nanoTime;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<URI, Long> refusingUntil = new ConcurrentHashMap<>();

    public Instances(List<URI> all, Duration quarantine, LongSupplier nanoTime) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no instance");
        }
        this.all = List.copyOf(all);
        this.quarantineNanos = quarantine.toNanos();
        this.nanoTime = nanoTime;
    }

    public List<URI> all() {
        return all;
    }

    /** Every instance, in the order this request should try them. */
    public List<URI> order() {
        int start = Math.floorMod(next.getAndIncrement(), all.size());
        long now = nanoTime.getAsLong();
        List<URI> available = new ArrayList<>(all.size());
        List<URI> refusing = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            URI instance = all.get((start + i) % all.size());
            Long until = refusingUntil.get(instance);
            if (until == null || until - now <= 0) {
                available.add(instance);
            } else {
                refusing.add(instance);
            }
        }
        refusing.sort(Comparator.comparingLong(instance -> refusingUntil.getOrDefault(instance, now) - now));
        available.addAll(refusing);
        return available;
    }

    /** The instance refused a connection: try the others first for a while. */
    public void refused(URI instance) {
        refusingUntil.put(instance, nanoTime.getAsLong() + quarantineNanos);
    }

    /** The instance answered: it is back. */
    public void answered(URI instance) {
        refusingUntil.remove(instance);
    }
}
