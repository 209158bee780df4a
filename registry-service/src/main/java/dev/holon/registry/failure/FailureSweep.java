package dev.holon.registry.failure;

import dev.holon.registry.node.Node;
import dev.holon.registry.node.NodeRepository;
import dev.holon.registry.node.NodeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import java.time.Clock;
import java.time.Instant;

/**
 * Periodically judges the nodes that have gone quiet. Every replica sweeps; the compare-and-set on the node's
 * state makes each transition happen once, so a second replica adds safety, not duplicate facts.
 *
 * <p>While the registry cannot use its database it records no heartbeat either, so it is as blind as a registry that
 * was not running: once it can again, every node gets a full window (counted from the last failed sweep) before its
 * silence counts, as after a restart. A database restart must not look like the death of every machine.
 */
@Component
public class FailureSweep {

    private final NodeRepository nodes;
    private final NodeService service;
    private final FailureDetector detector;
    private final Clock clock;
    private static final Logger log = LoggerFactory.getLogger(FailureSweep.class);

    private volatile Instant watchingSince;
    private volatile boolean blind;

    public FailureSweep(NodeRepository nodes, NodeService service, FailureDetector detector, Clock clock) {
        this.nodes = nodes;
        this.service = service;
        this.detector = detector;
        this.clock = clock;
        this.watchingSince = clock.instant();
    }

    @Scheduled(fixedDelayString = "${holon.registry.sweep-interval:PT0.25S}")
    public void sweep() {
        try {
            for (Node quiet : nodes.findQuietSince(detector.suspectCutoff(clock.instant()))) {
                service.judgeSilence(quiet.id(), watchingSince);
            }
        } catch (DataAccessException | TransactionException e) {
            watchingSince = clock.instant();
            if (!blind) {
                blind = true;
                log.warn("The registry cannot use its database ({}): no node is judged until it can, and then each"
                        + " gets a full window", e.getMessage());
            }
            return;
        }
        if (blind) {
            blind = false;
            log.info("The registry reaches its database again; silence counts from {}", watchingSince);
        }
    }
}
