package dev.holon.scheduler.placement;

/**
 * Knobs of the limit stage. Nodes are visited in a shuffled order and scoring stops after {@code candidateLimit}
 * feasible nodes (2: "power of two choices"), or {@code preferenceCandidateLimit} when the task has affinities or a
 * locality preference (two random nodes rarely include a preferred one). Clusters of at most
 * {@code scoreAllUpToNodes} nodes score every feasible node. Up to {@code maxSkip} feasible nodes scoring at or below
 * {@code skipScoreThreshold} (penalised by anti-affinity) do not count towards the limit, as in Nomad.
 */
public record PlacementOptions(int candidateLimit, int preferenceCandidateLimit, int scoreAllUpToNodes,
                               int maxSkip, double skipScoreThreshold) {

    public static final PlacementOptions DEFAULTS = new PlacementOptions(2, 8, 16, 3, 0.0);

    public PlacementOptions {
        if (candidateLimit < 1 || preferenceCandidateLimit < 1) {
            throw new IllegalArgumentException("candidate limits must be at least 1");
        }
        if (scoreAllUpToNodes < 0 || maxSkip < 0) {
            throw new IllegalArgumentException("scoreAllUpToNodes and maxSkip must not be negative");
        }
    }

    /** Score every feasible node of any cluster: best placements, linear cost per task. */
    public static PlacementOptions scoreAll() {
        return new PlacementOptions(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0.0);
    }

    public PlacementOptions withCandidateLimit(int limit) {
        return new PlacementOptions(limit, Math.max(limit, preferenceCandidateLimit), scoreAllUpToNodes, maxSkip, skipScoreThreshold);
    }

    public PlacementOptions withScoreAllUpToNodes(int nodes) {
        return new PlacementOptions(candidateLimit, preferenceCandidateLimit, nodes, maxSkip, skipScoreThreshold);
    }

    /** How many feasible candidates to score for a task on a cluster of {@code clusterSize} nodes. */
    int limitFor(int clusterSize, boolean hasPreferences) {
        if (clusterSize <= scoreAllUpToNodes) {
            return Integer.MAX_VALUE;
        }
        return hasPreferences ? Math.max(candidateLimit, preferenceCandidateLimit) : candidateLimit;
    }
}
