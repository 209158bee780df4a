package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;

import java.util.HashMap;
import java.util.Map;

/** Test fixtures: nodes in one line. */
final class Nodes {

    private Nodes() {
    }

    static NodeSnapshot node(String id, long cpuMillis, long memoryMiB, int gpus, String... labels) {
        return NodeSnapshot.up(id, labels(labels), new NodeResources(cpuMillis, memoryMiB, gpus, 0));
    }

    static NodeSnapshot used(NodeSnapshot node, long cpuMillis, long memoryMiB, int gpus) {
        return node.withAllocated(new NodeResources(cpuMillis, memoryMiB, gpus, 0), node.jobTasks());
    }

    static NodeSnapshot running(NodeSnapshot node, String jobId, int tasks) {
        Map<String, Integer> jobTasks = new HashMap<>(node.jobTasks());
        jobTasks.put(jobId, tasks);
        return node.withAllocated(node.allocated(), jobTasks);
    }

    static NodeSnapshot down(NodeSnapshot node) {
        return node.withState(NodeState.DOWN);
    }

    static Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new HashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            labels.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return labels;
    }
}
