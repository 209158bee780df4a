package dev.holon.contracts.node;

/** Liveness as the failure detector sees it. Cordoning and draining are separate, orthogonal flags. */
public enum NodeState {
    UP, SUSPECT, DOWN
}
