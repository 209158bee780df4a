package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import dev.holon.contracts.node.NodeResources;

import java.util.List;

/** What the machine has, measured once at start: capacity (CPU, memory, disk, GPU count) and the GPUs themselves. */
public record NodeInventory(NodeResources capacity, List<GpuDevice> gpus) {

    public NodeInventory {
        gpus = List.copyOf(gpus);
    }
}
