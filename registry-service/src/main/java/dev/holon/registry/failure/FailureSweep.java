package dev.holon.registry.failure;

import dev.holon.contracts.node.NodeState;
import dev.holon.registry.RegistryProperties;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Periodically judges the nodes that have gone quiet. Every replica sweeps; the compare-and-set on the node's
 * state makes each transition happen once, so a second replica adds safety, not duplicate facts.
 *
 * <p>While the registry cannot use its database it records no heartbeat either, so it is as blind as a registry that
 * was not running: once it can again, every node gets a full window (counted from that moment) before its
 * silence counts, as after a restart. A database restart must not look like the death of every machine.
 *
 * <p>Nor must a stalled heartbeat consumer (a broker restart, a rebalance): a node whose silence has reached DOWN is
 * first asked directly ({@link NodeProbe}). If it answers as itself it stays SUSPECT and its silence counts from the
 * answer, for at most {@code probe-grace} from its first answer; a node that does not answer goes DOWN. Every node is
 * judged at the moment the sweep read them, so none can reach DOWN unasked while the others are asked.
 */
@Component
public class FailureSweep {

    private static final Logger log = LoggerFactory.getLogger(FailureSweep.class);
    /** A read of the quiet nodes this slow means the database made the registry wait, blind meanwhile. */
    private static final Duration SLOW_READ = Duration.ofSeconds(1);

    /** A silent node's answers to probes in this episode of silence. */
    private record Answers(Instant first, Instant last) {
    }

    private final NodeRepository nodes;
    private final NodeService service;
    private final FailureDetector detector;
    private final NodeProbe probe;
    private final Duration probeGrace;
    private final Clock clock;
    private volatile Instant watchingSince;
    private volatile boolean blind;
    private final Map<String, Answers> answers = new ConcurrentHashMap<>();

    public FailureSweep(NodeRepository nodes, NodeService service, FailureDetector detector, NodeProbe probe,
                        RegistryProperties properties, Clock clock) {
        this.nodes = nodes;
        this.service = service;
        this.detector = detector;
        this.probe = probe;
        this.probeGrace = properties.probeGrace();
        this.clock = clock;
        this.watchingSince = clock.instant();
    }

    @Scheduled(fixedDelayString = "${holon.registry.sweep-interval:PT0.25S}")
    public void sweep() {
        Instant began = clock.instant();
        try {
            List<Node> quiet = nodes.findQuietSince(detector.suspectCutoff(began));
            Instant read = clock.instant();
            if (blind || Duration.between(began, read).compareTo(SLOW_READ) > 0) {
                // Sight is back (or the read itself waited long for the database): heartbeats of that time were
                // not recorded, so every node gets a full window from now, and a full probe grace.
                watchingSince = read;
                answers.clear();
                if (blind) {
                    blind = false;
                    log.info("The registry reaches its database again; silence counts from {}", read);
                }
                return;
            }
            answers.keySet().retainAll(quiet.stream().map(Node::id).collect(Collectors.toSet()));
            probeThoseDueDown(quiet, read);
            for (Node node : quiet) {
                service.judgeSilence(node.id(), silentSince(node), read);
            }
        } catch (DataAccessException | TransactionException e) {
            watchingSince = clock.instant();
            if (!blind) {
                blind = true;
                log.warn("The registry cannot use its database ({}): no node is judged until it can, and then each"
                        + " gets a full window", e.getMessage());
            }
        }
    }

    private Instant silentSince(Node node) {
        Answers answered = answers.get(node.id());
        return answered != null && answered.last().isAfter(watchingSince) ? answered.last() : watchingSince;
    }

    private void probeThoseDueDown(List<Node> quiet, Instant now) {
        List<Node> due = quiet.stream().filter(node -> detector
                .onSilence(node.state(), node.lastHeartbeatAt(), silentSince(node), now)
                .filter(NodeState.DOWN::equals).isPresent()).toList();
        if (due.isEmpty()) {
            return;
        }
        Queue<Node> answering = new ConcurrentLinkedQueue<>();
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Node node : due) {
                Answers answered = answers.get(node.id());
                if (answered != null && Duration.between(answered.first(), now).compareTo(probeGrace) >= 0) {
                    log.warn("Node {} has answered at {} since {} but sent no heartbeat this registry saw: DOWN after"
                            + " {} of that", node.id(), node.apiUrl(), answered.first(), probeGrace);
                    continue;
                }
                probes.execute(() -> {
                    if (probe.answers(node.id(), node.apiUrl())) {
                        answering.add(node);
                    }
                });
            }
        }
        for (Node node : answering) {
            if (answers.merge(node.id(), new Answers(now, now), (old, fresh) -> new Answers(old.first(), now))
                    .first().equals(now)) {
                log.warn("Node {} sent no heartbeat this registry saw since {} but answers at {}: SUSPECT, not DOWN."
                        + " If every node shows this, the registry is not reading the heartbeat topic", node.id(),
                        node.lastHeartbeatAt(), node.apiUrl());
            }
        }
    }
}
