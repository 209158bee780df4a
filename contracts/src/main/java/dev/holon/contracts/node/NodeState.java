package dev.holon.contracts.node;

/**
 * Liveness as the failure detector sees it. Cordoning and draining are separate, orthogonal flags.
 * {@link #REMOVED} is not liveness but the end: an operator removed the node for good; nothing (no heartbeat, no
 * re-enrolment) brings it back, and a removed id is never reused. Consumers treat it as gone, like DOWN and more.
 */
public enum NodeState {
    UP, SUSPECT, DOWN, REMOVED
}
