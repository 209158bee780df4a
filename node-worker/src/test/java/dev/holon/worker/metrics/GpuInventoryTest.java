package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GpuInventoryTest {

    private static final GpuDevice BMC = new GpuDevice("ASPEED Graphics Family", "ASPEED Technology, Inc.", 0);
    private static final GpuDevice QXL = new GpuDevice("QXL paravirtual graphic card", "Red Hat, Inc.", 0);
    private static final GpuDevice NVIDIA_FROM_OS = new GpuDevice("GA102 [GeForce RTX 3090]", "NVIDIA Corporation", 0);
    private static final GpuDevice AMD = new GpuDevice("Navi 21 [Radeon RX 6800]", "Advanced Micro Devices, Inc. [AMD/ATI]", 16384);
    private static final GpuDevice NVIDIA_FROM_SMI = new GpuDevice("NVIDIA GeForce RTX 3090", "NVIDIA", 24576);

    @Test
    void leavesOutDisplayOnlyAdapters() {
        assertThat(GpuInventory.combine(List.of(BMC, QXL, AMD), List.of())).containsExactly(AMD);
    }

    @Test
    void leavesOutTheOsPlaceholderForACardItCouldNotIdentify() {
        GpuDevice placeholder = new GpuDevice("unknown", "unknown", 0);

        assertThat(GpuInventory.combine(List.of(placeholder), List.of())).isEmpty();
        assertThat(GpuInventory.combine(List.of(new GpuDevice(" ", null, 0), AMD), List.of())).containsExactly(AMD);
    }

    @Test
    void keepsTheOsViewOfNvidiaCardsWhenNvidiaSmiSaysNothing() {
        assertThat(GpuInventory.combine(List.of(NVIDIA_FROM_OS), List.of())).containsExactly(NVIDIA_FROM_OS);
    }

    @Test
    void replacesTheOsViewOfNvidiaCardsWithNvidiaSmisAndKeepsOtherVendors() {
        assertThat(GpuInventory.combine(List.of(BMC, NVIDIA_FROM_OS, AMD), List.of(NVIDIA_FROM_SMI)))
                .containsExactly(NVIDIA_FROM_SMI, AMD);
    }
}
