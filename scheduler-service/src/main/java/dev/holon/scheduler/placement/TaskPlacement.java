package dev.holon.scheduler.placement;

import java.util.Objects;

/** The outcome for one task of a plan: placed on a node, or pending with the reason. */
public sealed interface TaskPlacement {

    TaskRequest task();

    /** Placed on {@code nodeId}; {@code score} is the combined score that won, for diagnostics. */
    record Placed(TaskRequest task, String nodeId, double score) implements TaskPlacement {
        public Placed {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    /** No node can take the task now. */
    record Pending(TaskRequest task, PendingReason reason) implements TaskPlacement {
        public Pending {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
