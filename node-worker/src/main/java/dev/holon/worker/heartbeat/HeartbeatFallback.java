package dev.holon.worker.heartbeat;

import dev.holon.contracts.node.NodeHeartbeat;

/** The way a heartbeat reaches the registry when the broker does not take it: a REST call. Throws when it cannot. */
@FunctionalInterface
public interface HeartbeatFallback {

    void send(NodeHeartbeat heartbeat);
}
