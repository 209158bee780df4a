package dev.holon.registry.node;

import dev.holon.contracts.Page;
import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.node.ClusterSummary;
import dev.holon.contracts.node.NodeEnrolment;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.contracts.node.NodeView;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.registry.RegistryProperties;
import dev.holon.registry.failure.FailureDetector;
import dev.holon.support.outbox.Outbox;
import dev.holon.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every change to a node, each in one transaction with the fact it publishes (through the outbox), so the
 * database and {@code holon.node.events} never disagree.
 */
@Service
@Transactional
public class NodeService {

    private static final Logger log = LoggerFactory.getLogger(NodeService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Key of cluster-wide audit facts (no tenant), as everywhere on {@code holon.audit}. */
    private static final String NO_TENANT_KEY = "-";

    private final NodeRepository nodes;
    private final Outbox outbox;
    private final FailureDetector detector;
    private final Clock clock;
    private final Duration heartbeatRejectionAuditInterval;

    public NodeService(NodeRepository nodes, Outbox outbox, FailureDetector detector, Clock clock,
            RegistryProperties properties) {
        this.nodes = nodes;
        this.outbox = outbox;
        this.detector = detector;
        this.clock = clock;
        this.heartbeatRejectionAuditInterval = properties.heartbeatRejectionAuditInterval();
    }

    public record Enrolled(NodeView node, boolean created) {
    }

    /** Idempotent: the first call creates the node, later ones refresh what it reports about itself. */
    public Enrolled enrol(String id, NodeEnrolment enrolment) {
        Instant now = clock.instant();
        Optional<Node> existing = nodes.findById(id);
        if (existing.isPresent() && existing.get().state() == NodeState.REMOVED) {
            throw new ProblemException(ProblemType.FORBIDDEN, "node " + id
                    + " was removed; enrol it again with a new enrolment token under a new id");
        }
        Node node = existing.orElseGet(() -> new Node(id, now));
        node.describe(enrolment.hostname(), enrolment.capacity(), labelsOrEmpty(enrolment.labels()),
                enrolment.gpus() == null ? List.of() : enrolment.gpus(), enrolment.agentVersion(),
                enrolment.apiUrl());
        if (existing.isEmpty()) {
            nodes.save(node);
            publish(new NodeEvent.NodeJoined(id, enrolment.hostname(), node.capacity(), node.labels()));
            log.info("Node {} ({}) joined with {}", id, enrolment.hostname(), node.capacity());
        } else {
            nodes.saveAndFlush(node);
            // Enrolling is a sign of life too: without the touch, the sweep would judge the node by its old
            // heartbeat and declare it DOWN again before its first new heartbeat arrives.
            nodes.touch(id, now);
            markAlive(id, node.state(), now);
        }
        return new Enrolled(node.view(), existing.isEmpty());
    }

    /**
     * Records a heartbeat; false when it was ignored (unknown node, a stale one replayed from the log, or a removed
     * node: that one is audited as {@code node.heartbeat-rejected}, at most once per node per interval).
     */
    public boolean recordHeartbeat(NodeHeartbeat heartbeat) {
        Instant now = clock.instant();
        if (detector.isStale(heartbeat.sentAt(), now)) {
            return false;
        }
        Optional<String> state = nodes.findStateById(heartbeat.nodeId());
        if (state.isEmpty()) {
            log.debug("Heartbeat from unknown node {}: it has not enrolled (yet)", heartbeat.nodeId());
            return false;
        }
        if (NodeState.REMOVED.name().equals(state.get())) {
            rejectHeartbeatOfRemoved(heartbeat.nodeId(), now);
            return false;
        }
        NodeResources capacity = heartbeat.capacity();
        NodeUsage usage = heartbeat.usage();
        nodes.recordHeartbeat(heartbeat.nodeId(), now, heartbeat.sequence(), capacity.cpuMillis(), capacity.memoryMiB(),
                capacity.gpus(), capacity.diskMiB(), usage.cpuLoad(), usage.loadAverage1m(),
                usage.memoryAvailableMiB(), usage.diskFreeMiB());
        markAlive(heartbeat.nodeId(), NodeState.valueOf(state.get()), now);
        return true;
    }

    private void rejectHeartbeatOfRemoved(String id, Instant now) {
        if (nodes.claimHeartbeatRejectionAudit(id, now, now.minus(heartbeatRejectionAuditInterval)) == 1) {
            audit(new AuditFact("node:" + id, null, "node.heartbeat-rejected", id, AuditFact.DENIED, 0,
                    "node " + id + " was removed; its heartbeats are ignored (audited at most once per "
                            + heartbeatRejectionAuditInterval + ")", null, now));
            log.warn("Heartbeat from removed node {} rejected", id);
        } else {
            log.debug("Heartbeat from removed node {} rejected (already audited recently)", id);
        }
    }

    /**
     * Removes the node from the cluster for good: it is REMOVED (kept for the record, left out of lists), its
     * heartbeats are ignored from now on and it cannot enrol again under this id. Publishes {@code NodeRemoved} and
     * the {@code node.removed} audit fact in the same transaction. 404 when unknown, 409 when already removed.
     */
    public void remove(String id, String by) {
        Node node = find(id);
        Instant now = clock.instant();
        if (node.state() == NodeState.REMOVED || nodes.remove(id, by, now) != 1) {
            throw ProblemException.conflict("node " + id + " was already removed");
        }
        publish(new NodeEvent.NodeRemoved(id, by));
        audit(new AuditFact(by, null, "node.removed", id, AuditFact.SUCCESS, 204,
                "removed from the cluster (was " + node.state() + ")", sourceIp(), now));
        log.info("Node {} ({}) removed by {}", id, node.hostname(), by);
    }

    /**
     * Moves one quiet node along UP -> SUSPECT -> DOWN if its silence at {@code now} says so. {@code now} is the
     * sweep's, so a node is judged at the moment the sweep decided whom to ask first, not later.
     */
    public void judgeSilence(String id, Instant watchingSince, Instant now) {
        nodes.findById(id).ifPresent(node -> detector
                .onSilence(node.state(), node.lastHeartbeatAt(), watchingSince, now)
                .ifPresent(next -> {
                    // Only if nothing moved it meanwhile: no heartbeat arrived, no other replica got there first.
                    if (nodes.transition(id, node.state().name(), next.name(), node.lastHeartbeatAt(), now) == 1) {
                        publish(next == NodeState.DOWN
                                ? new NodeEvent.NodeDown(id, node.lastHeartbeatAt())
                                : new NodeEvent.NodeSuspect(id, node.lastHeartbeatAt()));
                        log.warn("Node {} is {}: no heartbeat since {}", id, next, node.lastHeartbeatAt());
                    }
                }));
    }

    @Transactional(readOnly = true)
    public NodeView get(String id) {
        return find(id).view();
    }

    @Transactional(readOnly = true)
    public Page<NodeView> list(NodeState state, Map<String, String> labels, String afterId, int limit) {
        List<Node> page = nodes.findPage(state == null ? null : state.name(), JSON.writeValueAsString(labels), afterId, limit + 1);
        boolean more = page.size() > limit;
        List<NodeView> items = page.stream().limit(limit).map(Node::view).toList();
        return new Page<>(items, more ? items.getLast().id() : null);
    }

    public NodeView cordon(String id, String by, Long expectedVersion) {
        Node node = findAt(id, expectedVersion);
        if (!node.cordoned()) {
            node.setCordoned(true);
            publish(new NodeEvent.NodeCordoned(id, by));
        }
        return flushed(node);
    }

    public NodeView uncordon(String id, String by, Long expectedVersion) {
        Node node = findAt(id, expectedVersion);
        if (node.cordoned()) {
            node.setCordoned(false);
            publish(new NodeEvent.NodeUncordoned(id, by));
        }
        return flushed(node);
    }

    /** Cordons the node and asks the rest of Holon to move its work and data away. */
    public NodeView drain(String id, String by, Long expectedVersion) {
        Node node = findAt(id, expectedVersion);
        node.startDraining();
        publish(new NodeEvent.NodeDrainRequested(id, by));
        return flushed(node);
    }

    /** JSON merge patch of the labels: a null value removes the label. */
    public NodeView patchLabels(String id, Map<String, String> changes, Long expectedVersion) {
        Node node = findAt(id, expectedVersion);
        Map<String, String> labels = new HashMap<>(node.labels());
        changes.forEach((key, value) -> {
            if (value == null) {
                labels.remove(key);
            } else {
                labels.put(key, value);
            }
        });
        node.setLabels(labels);
        publish(new NodeEvent.NodeLabelsChanged(id, Map.copyOf(labels)));
        return flushed(node);
    }

    @Transactional(readOnly = true)
    public ClusterSummary summary() {
        List<Node> all = nodes.findAll();
        Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);
        for (NodeState s : NodeState.values()) {
            if (s != NodeState.REMOVED) {
                byState.put(s, 0);
            }
        }
        NodeResources total = NodeResources.NONE;
        NodeResources free = NodeResources.NONE;
        int schedulable = 0;
        int members = 0;
        for (Node node : all) {
            if (node.state() == NodeState.REMOVED) {
                continue; // no longer part of the cluster
            }
            members++;
            byState.merge(node.state(), 1, Integer::sum);
            if (node.state() != NodeState.UP) {
                continue;
            }
            if (!node.cordoned()) {
                schedulable++;
            }
            NodeResources capacity = node.capacity();
            total = total.plus(capacity);
            long idleCpu = Math.round(capacity.cpuMillis() * (1.0 - Math.min(1.0, Math.max(0.0, node.usage().cpuLoad()))));
            free = free.plus(new NodeResources(idleCpu, node.usage().memoryAvailableMiB(), capacity.gpus(),
                    node.usage().diskFreeMiB()));
        }
        return new ClusterSummary(members, byState, schedulable, total, free);
    }

    private void markAlive(String id, NodeState current, Instant now) {
        detector.onHeartbeat(current).ifPresent(next -> {
            if (nodes.transition(id, current.name(), next.name(), null, now) == 1) {
                publish(new NodeEvent.NodeUp(id, now));
                log.info("Node {} is UP again", id);
            }
        });
    }

    private Node find(String id) {
        return nodes.findById(id).orElseThrow(() -> ProblemException.notFound("node", id));
    }

    private Node findAt(String id, Long expectedVersion) {
        Node node = find(id);
        if (node.state() == NodeState.REMOVED) {
            throw ProblemException.conflict("node " + id + " was removed from the cluster; it cannot be changed");
        }
        if (expectedVersion != null && expectedVersion != node.version()) {
            throw ProblemException.preconditionFailed("node " + id + " is at version " + node.version()
                    + ", not " + expectedVersion + ": read it again and retry");
        }
        return node;
    }

    private NodeView flushed(Node node) {
        nodes.saveAndFlush(node); // so the view carries the new version
        return node.view();
    }

    private void publish(NodeEvent event) {
        outbox.publish(Topics.NODE_EVENTS, event.nodeId(), null, event);
    }

    private void audit(AuditFact fact) {
        outbox.publish(Topics.AUDIT, fact.tenant() == null ? NO_TENANT_KEY : fact.tenant(), fact.tenant(), fact);
    }

    /** The caller's address as the gateway forwarded it, when there is a request. */
    private static String sourceIp() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet
                ? servlet.getRequest().getRemoteAddr() : null;
    }

    private static Map<String, String> labelsOrEmpty(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }
}
