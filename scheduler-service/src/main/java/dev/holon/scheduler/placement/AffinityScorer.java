package dev.holon.scheduler.placement;

import java.util.List;
import java.util.Map;

/**
 * Scorer for soft label preferences: the weights of the matching affinities over the sum of all weights'
 * magnitudes, in [-1, 1]. Labels only, so it is computed once per node class ({@link ClassEligibility}).
 */
final class AffinityScorer {

    private AffinityScorer() {
    }

    static double score(List<Affinity> affinities, Map<String, String> labels) {
        double total = 0;
        double matched = 0;
        for (Affinity affinity : affinities) {
            total += Math.abs(affinity.weight());
            if (affinity.match().matches(labels)) {
                matched += affinity.weight();
            }
        }
        return total == 0 ? 0 : matched / total;
    }
}
