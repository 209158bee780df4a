package dev.holon.scheduler.placement;

import java.util.Objects;

/**
 * A soft preference for nodes whose labels match, weighted from -100 (avoid) to 100 (prefer); never filters a node
 * out. Affinities of a task are combined as the sum of the matching weights over the sum of all weights' magnitudes.
 */
public record Affinity(LabelConstraint match, int weight) {

    public Affinity {
        Objects.requireNonNull(match, "match");
        if (weight == 0 || weight < -100 || weight > 100) {
            throw new IllegalArgumentException("affinity weight must be in [-100, 100] and not 0, was " + weight);
        }
    }

    public static Affinity parse(String constraint, int weight) {
        return new Affinity(LabelConstraint.parse(constraint), weight);
    }

    @Override
    public String toString() {
        return match + " (weight " + weight + ")";
    }
}
