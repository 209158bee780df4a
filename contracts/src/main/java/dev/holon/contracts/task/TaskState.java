package dev.holon.contracts.task;

/** Where one task (one attempt of it) stands. SUCCEEDED, FAILED, CANCELLED and LOST end an attempt. */
public enum TaskState {
    PENDING, SCHEDULED, RUNNING, SUCCEEDED, FAILED, CANCELLED, LOST;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == LOST;
    }

    /** Holding a node's resources: placed and not yet finished. */
    public boolean onNode() {
        return this == SCHEDULED || this == RUNNING;
    }
}
