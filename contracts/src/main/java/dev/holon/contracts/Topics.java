package dev.holon.contracts;

/** Kafka topic names: the only place they are spelled. */
public final class Topics {

    /** Worker liveness and metrics; key = node id. */
    public static final String NODE_HEARTBEATS = "holon.node.heartbeats";
    /** Node lifecycle facts (NodeJoined, NodeSuspect, NodeDown, ...); key = node id. */
    public static final String NODE_EVENTS = "holon.node.events";
    public static final String TASK_EVENTS = "holon.task.events";
    public static final String TASK_ASSIGNMENTS = "holon.task.assignments";
    public static final String STORAGE_EVENTS = "holon.storage.events";
    public static final String AUDIT = "holon.audit";

    private Topics() {
    }
}
