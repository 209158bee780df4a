package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides which devices count as GPUs a task could ask for. The OS lists every display controller; server BMC
 * and virtual display adapters (ASPEED, Matrox, QXL, ...) are not compute devices and are left out, or the
 * scheduler would place GPU work on a machine with none. So are placeholders for what the OS could not identify
 * (OSHI reports one "unknown" card when neither {@code lspci} nor {@code lshw} exists, as in most containers). When {@code nvidia-smi} answered, its list replaces the
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
            if (isUnidentified(card) || isDisplayOnly(card) || (!nvidiaSmi.isEmpty() && isNvidia(card))) {
                continue;
            }
            gpus.add(card);
        }
        return List.copyOf(gpus);
    }

    static boolean isUnidentified(GpuDevice card) {
        return isUnknown(card.name()) && isUnknown(card.vendor());
    }

    private static boolean isUnknown(String text) {
        return text == null || text.isBlank() || text.strip().equalsIgnoreCase("unknown");
    }

    static boolean isDisplayOnly(GpuDevice card) {
        String text = (card.vendor() + " " + card.name()).toLowerCase(Locale.ROOT);
        return DISPLAY_ONLY.stream().anyMatch(text::contains);
    }

    private static boolean isNvidia(GpuDevice card) {
        return (card.vendor() + " " + card.name()).toLowerCase(Locale.ROOT).contains("nvidia");
    }
}
