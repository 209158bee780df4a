package dev.holon.contracts.node;

import java.util.Map;

/**
 * The single system image in numbers: the whole cluster as if it were one computer.
 * Totals count nodes that are UP; free figures are what those nodes report as idle or available.
 */
public record ClusterSummary(
        int nodes,
        Map<NodeState, Integer> nodesByState,
        int schedulableNodes,
        NodeResources total,
        NodeResources free) {
}
