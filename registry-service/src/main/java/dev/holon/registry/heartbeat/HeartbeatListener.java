package dev.holon.registry.heartbeat;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.registry.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes worker heartbeats. A heartbeat is idempotent by nature (it only says "alive at t"), so it needs
 * no dedupe; a stale one replayed from the log is ignored by the service.
 */
@Component
public class HeartbeatListener {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatListener.class);

    private final NodeService nodes;

    public HeartbeatListener(NodeService nodes) {
        this.nodes = nodes;
    }

    // Only the newest heartbeats matter (a restart starts at the latest): offsets are committed every 5 s in the
    // background, not once per heartbeat, which made the broker write 3 offset commits a second.
    @KafkaListener(topics = Topics.NODE_HEARTBEATS, groupId = "${spring.application.name}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=true", "auto.commit.interval.ms=5000"})
    public void onHeartbeat(EventEnvelope<Object> envelope) {
        if (!(envelope.data() instanceof NodeHeartbeat heartbeat)) {
            log.debug("Ignoring {} on {}", envelope.type(), Topics.NODE_HEARTBEATS);
            return;
        }
        nodes.recordHeartbeat(heartbeat);
    }
}
