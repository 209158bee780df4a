package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides which devices count as GPUs a task could ask for. The OS lists every display controller; server BMC
 * and virtual display adapters (ASPEED, Matrox, QXL, ...) are not compute devices and are left out, or the
 * scheduler would place GPU work on a machine with none. When {@code nvidia-smi} answered, its list replaces the
 * OS's NVIDIA entries (it knows names and memory the OS often reports as 0). Plain Java.
 */
public final class GpuInventory {

    private static final List<String> DISPLAY_ONLY = List.of(
            "aspeed", "matrox", "cirrus", "vmware", "qxl", "virtio", "bochs", "virtualbox", "hyper-v", "red hat");

    private GpuInventory() {
    }

    public static List<GpuDevice> combine(List<GpuDevice> graphicsCards, List<GpuDevice> nvidiaSmi) {
        List<GpuDevice> gpus = new ArrayList<>(nvidiaSmi);
        for (GpuDevice card : graphicsCards) {
            if (isDisplayOnly(card) || (!nvidiaSmi.isEmpty() && isNvidia(card))) {
                continue;
            }
            gpus.add(card);
        }
        return List.copyOf(gpus);
    }

    static boolean isDisplayOnly(GpuDevice card) {
        String text = (card.vendor() + " " + card.name()).toLowerCase(Locale.ROOT);
        return DISPLAY_ONLY.stream().anyMatch(text::contains);
    }

    private static boolean isNvidia(GpuDevice card) {
        return (card.vendor() + " " + card.name()).toLowerCase(Locale.ROOT).contains("nvidia");
    }
}
