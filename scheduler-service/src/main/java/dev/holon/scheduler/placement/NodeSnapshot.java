package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;

import java.util.Map;
import java.util.Objects;

/**
 * One node as placement sees it at the snapshot: liveness, whether operators closed it (cordoned, draining), its
 * labels, what it can give to tasks ({@code allocatable}) and what tasks already hold ({@code allocated}), and how
 * many tasks of each job it runs (for anti-affinity). Disk is carried by {@link NodeResources} but not placed on yet.
 */
public record NodeSnapshot(
        String id,
        NodeState state,
        boolean cordoned,
        boolean draining,
        Map<String, String> labels,
        NodeResources allocatable,
        NodeResources allocated,
        Map<String, Integer> jobTasks) {

    public NodeSnapshot {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a node needs an id");
        }
        Objects.requireNonNull(state, "state");
        labels = Map.copyOf(labels);
        Objects.requireNonNull(allocatable, "allocatable");
        allocated = allocated == null ? NodeResources.NONE : allocated;
        jobTasks = jobTasks == null ? Map.of() : Map.copyOf(jobTasks);
    }

    /** An UP, open, empty node. */
    public static NodeSnapshot up(String id, Map<String, String> labels, NodeResources allocatable) {
        return new NodeSnapshot(id, NodeState.UP, false, false, labels, allocatable, NodeResources.NONE, Map.of());
    }

    /** Tasks of {@code jobId} this node already runs (outside the plan being made). */
    public int tasksOf(String jobId) {
        Integer count = jobTasks.get(jobId);
        return count == null ? 0 : count;
    }

    public NodeSnapshot withState(NodeState newState) {
        return new NodeSnapshot(id, newState, cordoned, draining, labels, allocatable, allocated, jobTasks);
    }

    public NodeSnapshot withCordoned(boolean newCordoned) {
        return new NodeSnapshot(id, state, newCordoned, draining, labels, allocatable, allocated, jobTasks);
    }

    public NodeSnapshot withDraining(boolean newDraining) {
        return new NodeSnapshot(id, state, cordoned, newDraining, labels, allocatable, allocated, jobTasks);
    }

    public NodeSnapshot withAllocated(NodeResources newAllocated, Map<String, Integer> newJobTasks) {
        return new NodeSnapshot(id, state, cordoned, draining, labels, allocatable, newAllocated, newJobTasks);
    }
}
