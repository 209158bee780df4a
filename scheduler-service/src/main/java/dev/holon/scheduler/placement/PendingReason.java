package dev.holon.scheduler.placement;

import java.util.Map;
import java.util.Objects;

/**
 * Why a task could not be placed now, aggregated over every node of the snapshot: a sentence for the API to show on
 * a PENDING job ("no node has 64 free GPUs; largest free is 1; 3 nodes cordoned, 2 DOWN, 5 lack label zone=gpu"),
 * how many nodes each filter rejected first, and whether no node of the cluster, whatever its state or load, matches
 * the constraints with enough allocatable resources (only a new or relabelled node could take it).
 */
public record PendingReason(String explanation, Map<Rejection, Integer> rejectedNodes, boolean exceedsEveryNode) {

    public PendingReason {
        Objects.requireNonNull(explanation, "explanation");
        rejectedNodes = Map.copyOf(rejectedNodes);
    }

    @Override
    public String toString() {
        return explanation;
    }
}
