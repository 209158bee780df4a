package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeUsage;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.GraphicsCard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Measures this machine through OSHI: the inventory once, the usage on every call. CPU load is the busy fraction
 * since the previous {@link #sampleUsage()} (or since construction). Disk figures are those of the file store
 * holding the data dir: that is where this worker keeps chunks and task sandboxes, so it is the space it can
 * offer; summing every mount would count space it never writes to ({@code /boot}, tmpfs, bind mounts twice).
 * The free figure also counts what this worker can hand back at once (deleted replicas' files it keeps to write
 * over), so that a worker that just gave up replicas does not look fuller to placement than it is. Thread-safe.
 */
public class MachineProbe {

    static final long MIB = 1024L * 1024L;

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final Path dataDir;
    private final LongSupplier reclaimableBytes;
    private final NodeInventory inventory;
    private long[] previousTicks;

    /** @param reclaimableBytes bytes on the data dir's disk that are taken but free to this worker for new data */
    public MachineProbe(SystemInfo systemInfo, Path dataDir, LongSupplier reclaimableBytes, NvidiaSmi nvidiaSmi) {
        this.processor = systemInfo.getHardware().getProcessor();
        this.memory = systemInfo.getHardware().getMemory();
        this.dataDir = dataDir;
        this.reclaimableBytes = reclaimableBytes;
        this.previousTicks = processor.getSystemCpuLoadTicks();
        List<GpuDevice> gpus = GpuInventory.combine(graphicsCards(systemInfo), nvidiaSmi.query());
        FileStore store = fileStore();
        this.inventory = new NodeInventory(new NodeResources(
                processor.getLogicalProcessorCount() * 1000L,
                memory.getTotal() / MIB,
                gpus.size(),
                totalSpace(store) / MIB), gpus);
    }

    public NodeInventory inventory() {
        return inventory;
    }

    public synchronized NodeUsage sampleUsage() {
        long[] ticks = processor.getSystemCpuLoadTicks();
        double cpuLoad = CpuLoad.between(previousTicks, ticks);
        previousTicks = ticks;
        double loadAverage = processor.getSystemLoadAverage(1)[0];
        long diskFree = usableSpace(fileStore()) + reclaimableBytes.getAsLong();
        return new NodeUsage(cpuLoad, loadAverage, memory.getAvailable() / MIB, diskFree / MIB);
    }

    private static List<GpuDevice> graphicsCards(SystemInfo systemInfo) {
        return systemInfo.getHardware().getGraphicsCards().stream()
                .map(MachineProbe::toDevice)
                .toList();
    }

    private static GpuDevice toDevice(GraphicsCard card) {
        return new GpuDevice(card.getName(), card.getVendor(), Math.max(0, card.getVRam()) / MIB);
    }

    private FileStore fileStore() {
        try {
            return Files.getFileStore(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the file store of " + dataDir, e);
        }
    }

    private static long totalSpace(FileStore store) {
        try {
            return store.getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long usableSpace(FileStore store) {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
