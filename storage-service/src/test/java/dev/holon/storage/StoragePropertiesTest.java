package dev.holon.storage;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StoragePropertiesTest {

    @Test
    void sizesBindAsConfigStatesThem() {
        var source = new MapConfigurationPropertySource(Map.of(
                "holon.storage.chunk-token-secret", "x".repeat(32),
                "holon.storage.max-upload-bytes", "10GB"));
        StorageProperties properties = new Binder(source).bind("holon.storage", StorageProperties.class).get();

        assertThat(properties.maxUploadBytes()).isEqualTo(DataSize.ofGigabytes(10));
        assertThat(properties.chunkSize()).isEqualTo(DataSize.ofMegabytes(8));
    }
}
