package dev.holon.scheduler.placement;

/**
 * Feasibility filter on free resources: what the node has left after the tasks it runs and those the plan has
 * already put there must cover the request in every dimension. GPUs are checked first, the scarcest resource.
 */
final class ResourceFilter {

    private ResourceFilter() {
    }

    /** The first short dimension, or {@code null} when the task fits. */
    static Rejection check(TaskRequest task, long freeCpuMillis, long freeMemoryMiB, int freeGpus) {
        if (task.gpus() > freeGpus) {
            return Rejection.GPUS;
        }
        if (task.cpuMillis() > freeCpuMillis) {
            return Rejection.CPU;
        }
        if (task.memoryMiB() > freeMemoryMiB) {
            return Rejection.MEMORY;
        }
        return null;
    }
}
