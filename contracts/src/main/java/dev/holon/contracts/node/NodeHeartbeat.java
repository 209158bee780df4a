package dev.holon.contracts.node;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sent by every worker about once a second on {@code holon.node.heartbeats}, keyed by node id. */
public record NodeHeartbeat(
        String nodeId,
        long sequence,
        Instant sentAt,
        NodeResources capacity,
        NodeUsage usage,
        Map<String, String> labels,
        List<GpuDevice> gpus) {
}
