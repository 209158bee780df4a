package dev.holon.storage;

import dev.holon.storage.placement.ChunkPlacement;
import dev.holon.storage.placement.RepairPlanner;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.ZoneSpreadPlacement;
import dev.holon.support.tenant.TenantQuotas;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The plain-Java algorithms as beans, and tenant quotas from auth-service ({@code holon.auth.*}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantQuotas.Settings.class)
class StorageConfiguration {

    /** Read with storage-service's own service token (the one it reads the registry with). */
    @Bean
    TenantQuotas tenantQuotas(TenantQuotas.Settings settings, NodeDirectory nodes, Clock clock) {
        return new TenantQuotas(settings, nodes.serviceToken(), clock);
    }

    @Bean
    ChunkPlacement chunkPlacement() {
        return new ZoneSpreadPlacement();
    }

    @Bean
    RepairPlanner repairPlanner(ChunkPlacement placement) {
        return new RepairPlanner(placement);
    }
}
