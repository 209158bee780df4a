package dev.holon.scheduler.placement;

/**
 * Why a node cannot take a task, in the order the feasibility filters run: the first that applies is the one
 * counted for the node in a {@link PendingReason}.
 */
public enum Rejection {
    DOWN, SUSPECT, DRAINING, CORDONED, CONSTRAINT, GPUS, CPU, MEMORY, QUOTA
}
