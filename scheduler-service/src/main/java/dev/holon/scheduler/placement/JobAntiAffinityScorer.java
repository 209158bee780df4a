package dev.holon.scheduler.placement;

/**
 * Scorer that spreads the tasks of one job (an array) over nodes: a node already holding {@code c} of the job's
 * {@code n} tasks scores {@code -(c+1)/n}, floored at -1, as Nomad's job anti-affinity. Applied only when
 * {@code c > 0}, so it never changes the score of a node free of the job.
 */
final class JobAntiAffinityScorer {

    private JobAntiAffinityScorer() {
    }

    static double penalty(int tasksOfJobOnNode, int taskCount) {
        return Math.max(-1.0, -(tasksOfJobOnNode + 1.0) / Math.max(1, taskCount));
    }
}
