package dev.holon.registry.failure;

import dev.holon.registry.node.Node;
import dev.holon.registry.node.NodeRepository;
import dev.holon.registry.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Periodically judges the nodes that have gone quiet. Every replica sweeps; the row version makes each
 * transition happen once, so a second replica adds safety, not duplicate facts.
 */
@Component
public class FailureSweep {

    private static final Logger log = LoggerFactory.getLogger(FailureSweep.class);

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
            try {
                service.judgeSilence(quiet.id(), watchingSince);
            } catch (ObjectOptimisticLockingFailureException e) {
                log.debug("Node {} changed under us (a heartbeat or another replica); judged next sweep", quiet.id());
            }
        }
    }
}
