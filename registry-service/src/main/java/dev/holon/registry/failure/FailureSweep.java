package dev.holon.registry.failure;

import dev.holon.registry.node.Node;
import dev.holon.registry.node.NodeRepository;
import dev.holon.registry.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Periodically judges the nodes that have gone quiet. Every replica sweeps; the compare-and-set on the node's
 * state makes each transition happen once, so a second replica adds safety, not duplicate facts.
 *
 * <p>While every live node is silent (a broker or database outage, see {@link FailureDetector}) nodes are only
 * suspected, and once heartbeats flow again each still-silent node gets a full window, counted from the end of the
 * outage, before it is declared DOWN.
 */
@Component
public class FailureSweep {

    private final NodeRepository nodes;
    private final NodeService service;
    private final FailureDetector detector;
    private final Clock clock;
    private final Logger log = LoggerFactory.getLogger(FailureSweep.class);
    private volatile Instant watchingSince;
    private volatile boolean channelSilent;

    public FailureSweep(NodeRepository nodes, NodeService service, FailureDetector detector, Clock clock) {
        this.nodes = nodes;
        this.service = service;
        this.detector = detector;
        this.clock = clock;
        this.watchingSince = clock.instant();
    }

    @Scheduled(fixedDelayString = "${holon.registry.sweep-interval:PT0.25S}")
    public void sweep() {
        Instant now = clock.instant();
        List<Node> quiet = nodes.findQuietSince(detector.suspectCutoff(now));
        boolean silent = !quiet.isEmpty() && detector.channelSilent(quiet.size(), nodes.countLive());
        if (silent != channelSilent) {
            channelSilent = silent;
            if (silent) {
                log.warn("No heartbeat from any of the {} live nodes for {}: the heartbeat channel (Kafka, or this "
                        + "registry's database) is failing, not every machine; nodes are suspected, none is declared "
                        + "DOWN until heartbeats arrive again", quiet.size(), detector.suspectAfter());
            } else {
                log.info("Heartbeats arrive again; a node still silent is judged from {}", watchingSince);
            }
        }
        if (silent) {
            watchingSince = now;
        }
        for (Node node : quiet) {
            service.judgeSilence(node.id(), watchingSince, silent);
        }
    }
}
