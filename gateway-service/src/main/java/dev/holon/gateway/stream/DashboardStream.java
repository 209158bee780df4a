package dev.holon.gateway.stream;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.support.kafka.EnvelopeJson;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The facts the dashboard follows live: every fact offered is numbered into a bounded {@link FactBuffer} and
 * wakes the open streams, and each stream pulls what is new for its viewer from the buffer. So a stream never
 * misses a fact between its replay and its live part, and a slow browser costs only its own position. Event ids
 * are {@code <replica boot id>-<number>}: an id from another replica or an earlier run, or one older than the
 * buffer, gets a {@code reset} event (reload the state over REST) before the live facts.
 */
public class DashboardStream {

    public static final String RESET = "reset";

    private final FactBuffer buffer;
    private final Sinks.Many<Long> wakeups = Sinks.many().multicast().directBestEffort();
    private final Duration keepalive;
    private final Duration usageInterval;
    private final String bootId = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, Instant> lastUsageByNode = new ConcurrentHashMap<>();

    public DashboardStream(StreamProperties properties) {
        this.buffer = new FactBuffer(properties.bufferSize());
        this.keepalive = properties.keepalive();
        this.usageInterval = properties.usageInterval();
    }

    /** Takes a fact from Kafka; node facts are public, task facts belong to the envelope's tenant. */
    public void offer(EventEnvelope<?> envelope) {
        if (envelope.data() instanceof NodeHeartbeat heartbeat && !dueUsage(heartbeat.nodeId(), envelope.time())) {
            return;
        }
        boolean publicFact = envelope.data() instanceof NodeEvent || envelope.data() instanceof NodeHeartbeat
                || envelope.type().startsWith("holon.node.");
        String tenant = publicFact ? null : (envelope.tenant() == null ? Viewer.DEFAULT_TENANT : envelope.tenant());
        String json = new String(EnvelopeJson.write(envelope), StandardCharsets.UTF_8);
        synchronized (wakeups) {
            StreamFact fact = buffer.append(envelope.type(), tenant, json);
            // Best effort on purpose: a stream without demand (or none at all) just misses the wake-up and pulls
            // the fact from the buffer on its next one; emitNext would terminate the sink on FAIL_OVERFLOW.
            wakeups.tryEmitNext(fact.sequence());
        }
    }

    private boolean dueUsage(String nodeId, Instant time) {
        Instant now = time == null ? Instant.now() : time;
        Instant[] due = {null};
        lastUsageByNode.compute(nodeId, (id, last) -> {
            if (last == null || !now.isBefore(last.plus(usageInterval))) {
                due[0] = now;
                return now;
            }
            return last;
        });
        return due[0] != null;
    }

    /**
     * The stream for one viewer: the facts after {@code lastEventId} (or only new ones without it), then live
     * facts as they come, with a keepalive comment when idle.
     */
    public Flux<ServerSentEvent<String>> follow(Viewer viewer, String lastEventId) {
        return Flux.defer(() -> {
            AtomicLong cursor = new AtomicLong();
            boolean reset = !resumable(lastEventId, cursor);
            Flux<Long> ticks = Flux.merge(
                    wakeups.asFlux().onBackpressureLatest().publishOn(Schedulers.parallel(), 1),
                    Flux.just(0L),
                    Flux.interval(keepalive, keepalive).map(i -> -1L));
            Flux<ServerSentEvent<String>> facts = ticks.concatMap(tick -> {
                Optional<List<StreamFact>> newer = buffer.after(cursor.get());
                Flux<ServerSentEvent<String>> out;
                if (newer.isEmpty()) {
                    // Fell behind the buffer: the browser reloads its state and continues from now.
                    cursor.set(buffer.lastSequence());
                    out = Flux.just(resetEvent(cursor.get()));
                } else {
                    List<StreamFact> list = newer.get();
                    if (!list.isEmpty()) {
                        cursor.set(list.getLast().sequence());
                    }
                    out = Flux.fromIterable(list).filter(viewer::maysee).map(this::event);
                }
                if (tick == -1L) {
                    out = out.concatWith(Flux.just(ServerSentEvent.<String>builder().comment("keepalive").build()));
                }
                return out;
            }, 1);
            // A comment first, so the response (and its headers) go out at once, before any fact.
            Flux<ServerSentEvent<String>> opening = Flux.just(ServerSentEvent.<String>builder().comment("connected").build());
            return opening.concatWith(reset ? Flux.just(resetEvent(cursor.get())).concatWith(facts) : facts);
        });
    }

    /** Sets the cursor from a Last-Event-ID of this replica; false when there is none usable (start at now). */
    private boolean resumable(String lastEventId, AtomicLong cursor) {
        cursor.set(buffer.lastSequence());
        if (lastEventId == null || lastEventId.isBlank()) {
            return true;
        }
        int dash = lastEventId.lastIndexOf('-');
        if (dash < 0 || !lastEventId.substring(0, dash).equals(bootId)) {
            return false;
        }
        try {
            long sequence = Long.parseLong(lastEventId.substring(dash + 1));
            if (buffer.after(sequence).isEmpty()) {
                return false;
            }
            cursor.set(sequence);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private ServerSentEvent<String> event(StreamFact fact) {
        return ServerSentEvent.builder(fact.json()).id(bootId + "-" + fact.sequence()).event(fact.type()).build();
    }

    private ServerSentEvent<String> resetEvent(long sequence) {
        return ServerSentEvent.builder("{}").id(bootId + "-" + sequence).event(RESET).build();
    }
}
