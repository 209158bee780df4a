package dev.holon.contracts.node;

/** One graphics card or accelerator found on a node. */
public record GpuDevice(String name, String vendor, long memoryMiB) {
}
