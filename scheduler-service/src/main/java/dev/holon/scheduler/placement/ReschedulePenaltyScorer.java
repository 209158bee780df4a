package dev.holon.scheduler.placement;

/**
 * Scorer that sends a retried task elsewhere: a node an earlier attempt of the task failed or was lost on scores
 * {@value #PENALTY}, as Nomad's node-reschedule penalty. Applied only on those nodes, so (without affinities or
 * locality to lift it) their average falls to at most 0, the limit stage's skip threshold, while other nodes keep
 * theirs. Soft: a task whose only feasible node is such a node still runs there.
 */
final class ReschedulePenaltyScorer {

    static final double PENALTY = -1.0;

    private ReschedulePenaltyScorer() {
    }

    static boolean penalises(TaskRequest task, String nodeId) {
        return task.previousNodes().contains(nodeId);
    }
}
