package dev.holon.worker.execution;

import java.time.Duration;

/**
 * What an attempt used, where the sandbox could measure it (a cgroup): CPU time (user + system) and peak memory.
 * Null fields mean "not measurable with the isolation in effect", never zero.
 */
public record ResourceUsage(Duration cpuTime, Long peakMemoryBytes) {

    public static final ResourceUsage UNKNOWN = new ResourceUsage(null, null);
}
