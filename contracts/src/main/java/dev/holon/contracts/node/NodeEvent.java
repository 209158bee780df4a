package dev.holon.contracts.node;

import java.time.Instant;
import java.util.Map;

/** Node lifecycle facts on {@code holon.node.events}, keyed by node id. Past tense: they already happened. */
public sealed interface NodeEvent {

    String nodeId();

    record NodeJoined(String nodeId, String hostname, NodeResources capacity, Map<String, String> labels)
            implements NodeEvent {
    }

    record NodeUp(String nodeId, Instant lastHeartbeatAt) implements NodeEvent {
    }

    record NodeSuspect(String nodeId, Instant lastHeartbeatAt) implements NodeEvent {
    }

    record NodeDown(String nodeId, Instant lastHeartbeatAt) implements NodeEvent {
    }

    record NodeCordoned(String nodeId, String by) implements NodeEvent {
    }

    record NodeUncordoned(String nodeId, String by) implements NodeEvent {
    }

    record NodeDrainRequested(String nodeId, String by) implements NodeEvent {
    }

    record NodeLabelsChanged(String nodeId, Map<String, String> labels) implements NodeEvent {
    }

    /** An operator removed the node for good: its work and data must move, and it never comes back under this id. */
    record NodeRemoved(String nodeId, String by) implements NodeEvent {
    }
}
