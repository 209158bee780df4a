package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output of {@code nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits}: one line per
 * GPU, {@code <name>, <memory MiB>}. A memory field that is not a number ({@code [N/A]}, {@code [Not Supported]})
 * becomes 0; a line without a comma or a name is skipped. Plain Java.
 */
public final class NvidiaSmiOutput {

    public static final String VENDOR = "NVIDIA";

    private NvidiaSmiOutput() {
    }

    public static List<GpuDevice> parse(String output) {
        List<GpuDevice> gpus = new ArrayList<>();
        if (output == null) {
            return gpus;
        }
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            int comma = line.lastIndexOf(',');
            if (comma <= 0) {
                continue;
            }
            String name = line.substring(0, comma).strip();
            if (name.isEmpty()) {
                continue;
            }
            gpus.add(new GpuDevice(name, VENDOR, memoryMiB(line.substring(comma + 1).strip())));
        }
        return gpus;
    }

    private static long memoryMiB(String field) {
        try {
            return Math.max(0, Long.parseLong(field));
        } catch (NumberFormatException e) {
            try {
                return Math.max(0, Math.round(Double.parseDouble(field)));
            } catch (NumberFormatException notANumber) {
                return 0;
            }
        }
    }
}
