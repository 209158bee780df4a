package dev.holon.scheduler.placement;

/**
 * Scorer for how a task fits a node's resources, after placing it, in [0, 1]. BINPACK prefers fuller nodes and
 * SPREAD emptier ones, with the exponential fitness of Nomad (Google's "BestFit v3"): each dimension contributes
 * {@code 10^freeFraction}, so a nearly full dimension counts far more than a nearly empty one. GPUs count as a third
 * dimension only when the task asks for GPUs. {@link StrictMath} keeps scores, and so plans, bit-for-bit the same on
 * every JVM and platform (two scheduler replicas compute the same plan).
 */
final class ResourceFitScorer {

    private ResourceFitScorer() {
    }

    /**
     * @param freeCpuFraction    share of the node's allocatable CPU still free once the task is placed, in [0, 1]
     * @param freeMemoryFraction the same for memory
     * @param freeGpuFraction    the same for GPUs, or a negative value when GPUs are not a dimension of this fit
     */
    static double score(Strategy strategy, double freeCpuFraction, double freeMemoryFraction, double freeGpuFraction) {
        double sum = StrictMath.pow(10, clamp(freeCpuFraction)) + StrictMath.pow(10, clamp(freeMemoryFraction));
        int dimensions = 2;
        if (freeGpuFraction >= 0) {
            sum += StrictMath.pow(10, clamp(freeGpuFraction));
            dimensions = 3;
        }
        // sum runs from `dimensions` (all full) to 10 * dimensions (all empty)
        double range = 9.0 * dimensions;
        double score = strategy == Strategy.BINPACK ? (10.0 * dimensions - sum) / range : (sum - dimensions) / range;
        return clamp(score);
    }

    /** The free share of one dimension after placing {@code request} on a node with {@code free} of {@code allocatable}. */
    static double freeFractionAfter(long allocatable, long free, long request) {
        return allocatable <= 0 ? 0 : (double) (free - request) / allocatable;
    }

    private static double clamp(double value) {
        return value < 0 ? 0 : value > 1 ? 1 : value;
    }
}
