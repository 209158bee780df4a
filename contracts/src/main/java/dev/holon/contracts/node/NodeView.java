package dev.holon.contracts.node;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A node as the API shows it. */
public record NodeView(
        String id,
        String hostname,
        NodeState state,
        boolean cordoned,
        boolean draining,
        Map<String, String> labels,
        NodeResources capacity,
        NodeResources allocatable,
        NodeUsage usage,
        List<GpuDevice> gpus,
        Instant lastHeartbeatAt,
        Instant joinedAt,
        String agentVersion,
        String apiUrl,
        long version) {
}
