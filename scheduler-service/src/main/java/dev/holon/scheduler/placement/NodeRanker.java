package dev.holon.scheduler.placement;

/**
 * Scores a feasible node for a task: resource fit (binpack or spread) always, plus job anti-affinity when the node
 * already holds tasks of the job, affinities when the task has some, the reschedule penalty on a node an earlier
 * attempt of the task failed or was lost on, and data locality when the hook applies. The
 * final score is the average of the scores that apply (Nomad's score normalisation). Allocation-free. Not
 * thread-safe.
 */
final class NodeRanker {

    private final ClusterSnapshot snapshot;
    private final PlanState plan;
    private final LocalityScorer locality;

    NodeRanker(ClusterSnapshot snapshot, PlanState plan, LocalityScorer locality) {
        this.snapshot = snapshot;
        this.plan = plan;
        this.locality = locality;
    }

    double score(RequestShape shape, TaskRequest task, int node) {
        double gpuFraction = task.gpus() > 0
                ? ResourceFitScorer.freeFractionAfter(snapshot.allocatableGpus(node), plan.freeGpus(node), task.gpus())
                : -1;
        double sum = ResourceFitScorer.score(task.strategy(),
                ResourceFitScorer.freeFractionAfter(snapshot.allocatableCpu(node), plan.freeCpu(node), task.cpuMillis()),
                ResourceFitScorer.freeFractionAfter(snapshot.allocatableMemory(node), plan.freeMemory(node), task.memoryMiB()),
                gpuFraction);
        int scores = 1;
        int collisions = snapshot.node(node).tasksOf(task.jobId()) + shape.jobCounter.get(node);
        if (collisions > 0) {
            sum += JobAntiAffinityScorer.penalty(collisions, task.taskCount());
            scores++;
        }
        if (!task.affinities().isEmpty()) {
            sum += shape.eligibility.affinityScore(snapshot.classOf(node));
            scores++;
        }
        if (!task.previousNodes().isEmpty() && ReschedulePenaltyScorer.penalises(task, snapshot.node(node).id())) {
            sum += ReschedulePenaltyScorer.PENALTY;
            scores++;
        }
        if (shape.locality) {
            double share = locality.score(task, snapshot.node(node));
            sum += share < 0 ? 0 : share > 1 ? 1 : share;
            scores++;
        }
        return sum / scores;
    }
}
