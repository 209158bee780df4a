package dev.holon.scheduler.placement;

import java.util.Map;

/**
 * Data locality from the bytes of each job's input files that each node holds (a replica of a chunk counts its
 * size): a node's score is its share of the job's input bytes, so with otherwise equal nodes a task goes where most
 * of its data is. A job without known input bytes gets no opinion ({@link #appliesTo} false). Immutable; a placement
 * pass builds one for the jobs it places.
 */
public final class InputLocalityScorer implements LocalityScorer {

    /** What a job's inputs weigh: {@code totalBytes} in all, {@code bytesByNode} held by each node. */
    public record JobInputs(long totalBytes, Map<String, Long> bytesByNode) {
        public JobInputs {
            bytesByNode = Map.copyOf(bytesByNode);
        }
    }

    private final Map<String, JobInputs> byJob;

    /** {@code byJob}: job id to its inputs' weight; jobs missing here have no locality. */
    public InputLocalityScorer(Map<String, JobInputs> byJob) {
        this.byJob = Map.copyOf(byJob);
    }

    @Override
    public boolean appliesTo(TaskRequest task) {
        JobInputs inputs = byJob.get(task.jobId());
        return inputs != null && inputs.totalBytes() > 0 && !inputs.bytesByNode().isEmpty();
    }

    @Override
    public double score(TaskRequest task, NodeSnapshot node) {
        JobInputs inputs = byJob.get(task.jobId());
        if (inputs == null || inputs.totalBytes() <= 0) {
            return 0;
        }
        long held = inputs.bytesByNode().getOrDefault(node.id(), 0L);
        return Math.min(1.0, (double) held / inputs.totalBytes());
    }
}
