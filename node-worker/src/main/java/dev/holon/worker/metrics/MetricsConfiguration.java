package dev.holon.worker.metrics;

import dev.holon.worker.WorkerProperties;
import dev.holon.worker.chunks.ChunkStore;
import dev.holon.worker.identity.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import oshi.SystemInfo;

/** Wires the OSHI probe; the node identity comes first because it creates the data dir the probe measures. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MetricsConfiguration.class);

    @Bean
    SystemInfo systemInfo() {
        return new SystemInfo();
    }

    @Bean
    MachineProbe machineProbe(SystemInfo systemInfo, WorkerProperties properties, NodeIdentity identity,
                              ChunkStore chunks) {
        MachineProbe probe = new MachineProbe(systemInfo, properties.dataDir(), chunks::recycledBytes,
                NvidiaSmi.onPath(properties.nvidiaSmiTimeout()));
        NodeInventory inventory = probe.inventory();
        log.info("Node {} capacity: {} mCPU, {} MiB memory, {} MiB disk at {}, GPUs {}", identity.nodeId(),
                inventory.capacity().cpuMillis(), inventory.capacity().memoryMiB(), inventory.capacity().diskMiB(),
                properties.dataDir(), inventory.gpus());
        return probe;
    }
}
