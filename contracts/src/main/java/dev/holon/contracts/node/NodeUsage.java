package dev.holon.contracts.node;

/**
 * What a node is using right now, as measured on the machine.
 *
 * @param cpuLoad          busy fraction of all logical CPUs over the last interval, 0.0 to 1.0
 * @param loadAverage1m    the one-minute system load average (negative where the OS has none)
 */
public record NodeUsage(double cpuLoad, double loadAverage1m, long memoryAvailableMiB, long diskFreeMiB) {
}
