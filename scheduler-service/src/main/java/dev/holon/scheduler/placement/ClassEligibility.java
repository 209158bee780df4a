package dev.holon.scheduler.placement;

import java.util.Arrays;
import java.util.List;

/**
 * Constraint verdicts and affinity scores of one set of constraints and affinities, cached per node class of one
 * snapshot: each class is evaluated on first visit only, so a label check costs one array read per node. Shared by
 * every request of a session with the same constraints and affinities. Not thread-safe.
 */
final class ClassEligibility {

    private static final int UNKNOWN = -2;
    private static final int FEASIBLE = -1;

    private final ClusterSnapshot snapshot;
    private final List<LabelConstraint> constraints;
    private final List<Affinity> affinities;
    private final int[] verdicts;
    private final double[] affinityScores;

    ClassEligibility(ClusterSnapshot snapshot, List<LabelConstraint> constraints, List<Affinity> affinities) {
        this.snapshot = snapshot;
        this.constraints = constraints;
        this.affinities = affinities;
        this.verdicts = new int[snapshot.nodeClassCount()];
        Arrays.fill(verdicts, UNKNOWN);
        this.affinityScores = affinities.isEmpty() ? new double[0] : new double[snapshot.nodeClassCount()];
    }

    /** {@code -1} when nodes of the class satisfy every constraint, else the index of the first they fail. */
    int failingConstraint(int nodeClass) {
        int verdict = verdicts[nodeClass];
        if (verdict == UNKNOWN) {
            verdict = evaluate(nodeClass);
        }
        return verdict;
    }

    /** The affinity score of the class (only meaningful when the request has affinities). */
    double affinityScore(int nodeClass) {
        if (verdicts[nodeClass] == UNKNOWN) {
            evaluate(nodeClass);
        }
        return affinityScores[nodeClass];
    }

    List<LabelConstraint> constraints() {
        return constraints;
    }

    private int evaluate(int nodeClass) {
        var labels = snapshot.classLabels(nodeClass);
        int verdict = FEASIBLE;
        for (int i = 0; i < constraints.size(); i++) {
            if (!constraints.get(i).matches(labels)) {
                verdict = i;
                break;
            }
        }
        if (!affinities.isEmpty()) {
            affinityScores[nodeClass] = AffinityScorer.score(affinities, labels);
        }
        verdicts[nodeClass] = verdict;
        return verdict;
    }
}
