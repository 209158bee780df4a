package dev.holon.scheduler.placement;

/**
 * The limit and select stages: keeps the best-scoring feasible node offered so far (the first one on ties, so the
 * visit order decides) and says when enough candidates were seen. Feasible nodes scoring at or below the skip
 * threshold (penalised for holding the job already) do not count towards the limit, up to {@code maxSkip} of them,
 * as in Nomad's limit iterator. Reused across tasks; not thread-safe.
 */
final class CandidateSelector {

    private final int maxSkip;
    private final double skipThreshold;
    private int limit;
    private int counted;
    private int skipped;
    private int best;
    private double bestScore;

    CandidateSelector(int maxSkip, double skipThreshold) {
        this.maxSkip = maxSkip;
        this.skipThreshold = skipThreshold;
    }

    void reset(int newLimit) {
        limit = newLimit;
        counted = 0;
        skipped = 0;
        best = -1;
        bestScore = Double.NEGATIVE_INFINITY;
    }

    /** Offers a feasible node; {@code true} when the limit is reached and no further node needs to be visited. */
    boolean offer(int node, double score) {
        if (score > bestScore) {
            best = node;
            bestScore = score;
        }
        if (score <= skipThreshold && skipped < maxSkip) {
            skipped++;
            return false;
        }
        return ++counted >= limit;
    }

    /** The chosen node, or -1 when no feasible node was offered. */
    int best() {
        return best;
    }

    double bestScore() {
        return bestScore;
    }
}
