package dev.holon.storage;

import dev.holon.storage.placement.ChunkPlacement;
import dev.holon.storage.placement.RepairPlanner;
import dev.holon.storage.placement.ZoneSpreadPlacement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The plain-Java algorithms as beans. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    ChunkPlacement chunkPlacement() {
        return new ZoneSpreadPlacement();
    }

    @Bean
    RepairPlanner repairPlanner(ChunkPlacement placement) {
        return new RepairPlanner(placement);
    }
}
