package dev.holon.worker.identity;

/** Who this machine is to the cluster: its stable node id, its host name (informational only) and its labels. */
public record NodeIdentity(String nodeId, String hostname, NodeLabels labels) {
}
