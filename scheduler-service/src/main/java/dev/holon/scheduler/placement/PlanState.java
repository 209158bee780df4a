package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;

import java.util.HashMap;
import java.util.Map;

/**
 * What the plan being made has placed so far, over an immutable snapshot: per-node usage as primitive overlays
 * (reused across sessions of one planner and cleared in O(nodes touched)), per-job node counts for anti-affinity and
 * per-tenant totals for the quota hook. Free resources seen by the filters are snapshot free minus this. Not
 * thread-safe.
 */
final class PlanState {

    private ClusterSnapshot snapshot;
    private long[] cpu = new long[0];
    private long[] memory = new long[0];
    private int[] gpus = new int[0];
    private int[] touched = new int[0];
    private int touchedCount;
    private final Map<String, NodeCounter> jobCounts = new HashMap<>();
    private final Map<String, NodeResources> tenants = new HashMap<>();

    void reset(ClusterSnapshot newSnapshot) {
        int n = newSnapshot.size();
        if (cpu.length != n) {
            cpu = new long[n];
            memory = new long[n];
            gpus = new int[n];
            touched = new int[n];
        } else {
            for (int i = 0; i < touchedCount; i++) {
                int node = touched[i];
                cpu[node] = 0;
                memory[node] = 0;
                gpus[node] = 0;
            }
        }
        touchedCount = 0;
        jobCounts.clear();
        tenants.clear();
        snapshot = newSnapshot;
    }

    long freeCpu(int node) {
        return snapshot.freeCpu(node) - cpu[node];
    }

    long freeMemory(int node) {
        return snapshot.freeMemory(node) - memory[node];
    }

    int freeGpus(int node) {
        return snapshot.freeGpus(node) - gpus[node];
    }

    /** The counter of the job's tasks placed per node by this plan (created on first use). */
    NodeCounter jobCounter(String jobId) {
        return jobCounts.computeIfAbsent(jobId, id -> new NodeCounter());
    }

    NodeResources plannedFor(String tenant) {
        return tenants.getOrDefault(tenant, NodeResources.NONE);
    }

    void assign(int node, TaskRequest task, NodeCounter jobCounter) {
        if (cpu[node] == 0) { // every task asks for some CPU, so 0 means untouched
            touched[touchedCount++] = node;
        }
        cpu[node] += task.cpuMillis();
        memory[node] += task.memoryMiB();
        gpus[node] += task.gpus();
        jobCounter.increment(node);
        tenants.merge(task.tenant(), new NodeResources(task.cpuMillis(), task.memoryMiB(), task.gpus(), 0),
                NodeResources::plus);
    }
}
