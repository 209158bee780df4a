package dev.holon.scheduler.placement;

/**
 * Feasibility filter on node status: only an UP node that is neither draining nor cordoned takes new tasks.
 * Depends on the node alone, so a snapshot evaluates it once per node.
 */
final class NodeStatusFilter {

    private NodeStatusFilter() {
    }

    /** The rejection for the node, or {@code null} when it may take new tasks. */
    static Rejection check(NodeSnapshot node) {
        return switch (node.state()) {
            case DOWN, REMOVED -> Rejection.DOWN; // a removed node is gone for good, DOWN and more
            case SUSPECT -> Rejection.SUSPECT;
            case UP -> node.draining() ? Rejection.DRAINING : node.cordoned() ? Rejection.CORDONED : null;
        };
    }
}
