package dev.holon.scheduler.scheduling;

import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeView;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.task.NodeEvacuation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Level-triggered safety net on the leader, every {@code holon.scheduler.reconcile-interval}: tasks still placed on a
 * node that the registry shows DOWN or draining are moved as a NodeDown or drain event would have moved them (events
 * may be lost, late, or consumed by a replica that then died).
 */
@Component
public class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final LeaderElection leadership;
    private final RegistryNodes registry;
    private final PlacementLoop placement;
    private final JobRepository jobs;
    private final NodeEvacuation evacuation;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public Reconciler(LeaderElection leadership, RegistryNodes registry, PlacementLoop placement, JobRepository jobs,
            NodeEvacuation evacuation, TransactionTemplate transaction, Clock clock) {
        this.leadership = leadership;
        this.registry = registry;
        this.placement = placement;
        this.jobs = jobs;
        this.evacuation = evacuation;
        this.transaction = transaction;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${holon.scheduler.reconcile-interval:PT5S}")
    public void reconcile() {
        if (!leadership.isLeader()) {
            return;
        }
        Instant viewAt = clock.instant();
        List<NodeView> view;
        try {
            view = registry.all();
        } catch (RuntimeException e) {
            log.warn("Cannot read the nodes from the registry ({}); reconciling at the next pass", e.toString());
            return;
        }
        placement.nodesRead(view, viewAt);
        Map<String, NodeView> nodes = view.stream().collect(Collectors.toMap(NodeView::id, Function.identity()));
        Set<String> busy = new HashSet<>(jobs.nodesWithActiveTasks());
        for (String nodeId : busy) {
            NodeView node = nodes.get(nodeId);
            String reason = node == null ? null
                    : node.state() == NodeState.DOWN ? "node " + nodeId + " is DOWN"
                    : node.draining() ? "node " + nodeId + " is draining" : null;
            if (reason == null) {
                continue;
            }
            try {
                Integer moved = transaction.execute(status -> evacuation.evacuate(nodeId, viewAt, reason));
                if (moved != null && moved > 0) {
                    log.info("Reconcile: {}, moved {} task(s) the events had not", reason, moved);
                }
            } catch (RuntimeException e) {
                log.warn("Reconcile of node {} failed, retrying at the next pass: {}", nodeId, e.toString());
            }
        }
    }
}
