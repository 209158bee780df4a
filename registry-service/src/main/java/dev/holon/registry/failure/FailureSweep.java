package dev.holon.registry.failure;

import dev.holon.registry.node.Node;
import dev.holon.registry.node.NodeRepository;
import dev.holon.registry.node.NodeService;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Periodically judges the nodes that have gone quiet. Every replica sweeps; the compare-and-set on the node's
 * state makes each transition happen once, so a second replica adds safety, not duplicate facts.
 */
@Component
public class FailureSweep {

    private final NodeRepository nodes;
    private final NodeService service;
    private final FailureDetector detector;
    private final Clock clock;
    private final Instant watchingSince;

    public FailureSweep(NodeRepository nodes, NodeService service, FailureDetector detector, Clock clock) {
        this.nodes = nodes;
        this.service = service;
        this.detector = detector;
        this.clock = clock;
        this.watchingSince = clock.instant();
    }

    @Scheduled(fixedDelayString = "${holon.registry.sweep-interval:PT0.25S}")
    public void sweep() {
        for (Node quiet : nodes.findQuietSince(detector.suspectCutoff(clock.instant()))) {
            service.judgeSilence(quiet.id(), watchingSince);
        }
    }
}
