package dev.holon.scheduler.task;

/** Published inside a transaction that learned of a node change (joined, up, cordoned...): the leader re-reads nodes. */
public record NodesChanged(String nodeId) {
}
