package dev.holon.contracts.node;

/** A quantity of machine resources: CPU in millicores, memory and disk in MiB, GPUs as a count. */
public record NodeResources(long cpuMillis, long memoryMiB, int gpus, long diskMiB) {

    public static final NodeResources NONE = new NodeResources(0, 0, 0, 0);

    public NodeResources plus(NodeResources other) {
        return new NodeResources(cpuMillis + other.cpuMillis, memoryMiB + other.memoryMiB,
                gpus + other.gpus, diskMiB + other.diskMiB);
    }
}
