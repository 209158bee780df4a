package dev.holon.scheduler.placement;

/**
 * Scoring hook for data locality: how much of a task's input a node already holds, from 0 (none) to 1 (all).
 * Storage fills it later; {@link #NEUTRAL} has no opinion, and a scorer that does not {@link #appliesTo} a task adds
 * nothing to that task's scores (it does not pull the average down).
 */
public interface LocalityScorer {

    LocalityScorer NEUTRAL = new LocalityScorer() {
        @Override
        public boolean appliesTo(TaskRequest task) {
            return false;
        }

        @Override
        public double score(TaskRequest task, NodeSnapshot node) {
            return 0;
        }
    };

    /** Whether this scorer has an opinion on the task (for example: the task names input files). */
    boolean appliesTo(TaskRequest task);

    /** Share of the task's input held by the node, in [0, 1] (values outside are clamped). Called per candidate. */
    double score(TaskRequest task, NodeSnapshot node);
}
