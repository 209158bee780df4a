package dev.holon.storage;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StoragePropertiesTest {

    @Test
    void quotasHaveADefaultAndPerTenantOverridesAsConfigStatesThem() {
        var source = new MapConfigurationPropertySource(Map.of(
                "holon.storage.chunk-token-secret", "x".repeat(32),
                "holon.storage.max-upload-bytes", "10GB",
                "holon.storage.quotas.default.bytes", "5GB",
                "holon.storage.quotas.default.files", "10",
                "holon.storage.quotas.tenants.acme.bytes", "1TB"));
        StorageProperties properties = new Binder(source).bind("holon.storage", StorageProperties.class).get();

        assertThat(properties.maxUploadBytes()).isEqualTo(DataSize.ofGigabytes(10));
        assertThat(properties.chunkSize()).isEqualTo(DataSize.ofMegabytes(8));
        assertThat(properties.quotas().of("other").bytes()).isEqualTo(DataSize.ofGigabytes(5));
        assertThat(properties.quotas().of("other").files()).isEqualTo(10);
        assertThat(properties.quotas().of("acme").bytes()).isEqualTo(DataSize.ofTerabytes(1));
        assertThat(properties.quotas().of("acme").files()).isEqualTo(1_000_000);
    }
}
