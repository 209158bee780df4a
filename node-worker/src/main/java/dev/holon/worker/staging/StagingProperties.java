package dev.holon.worker.staging;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;

/**
 * Where task staging finds storage-service ({@code holon.worker.storage-url}, env {@code HOLON_STORAGE_URL} through
 * {@code config/node-worker.yml}) and how long it waits: {@code storage-connect-timeout} to connect,
 * {@code storage-timeout} for the answer's headers of one call (bodies stream for as long as they take).
 */
@Validated
@ConfigurationProperties("holon.worker")
public record StagingProperties(@NotNull URI storageUrl, @NotNull Duration storageConnectTimeout,
                                @NotNull Duration storageTimeout) {

    public StagingProperties {
        storageUrl = storageUrl != null ? storageUrl : URI.create("http://localhost:8889");
        storageConnectTimeout = storageConnectTimeout != null ? storageConnectTimeout : Duration.ofSeconds(2);
        storageTimeout = storageTimeout != null ? storageTimeout : Duration.ofSeconds(30);
    }
}
