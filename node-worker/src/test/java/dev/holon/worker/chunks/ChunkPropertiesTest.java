package dev.holon.worker.chunks;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkPropertiesTest {

    private static final String SECRET = "holon.worker.chunks.token-secret=a-secret-of-at-least-thirty-two-bytes";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ChunkProperties.class)
    static class Binding {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
                    ValidationAutoConfiguration.class))
            .withUserConfiguration(Binding.class);

    @Test
    void hasDefaultsForEverythingButTheSecretAndNeverPrintsIt() {
        runner.withPropertyValues(SECRET).run(context -> {
            ChunkProperties properties = context.getBean(ChunkProperties.class);
            assertThat(properties.maxChunkBytes().toBytes()).isEqualTo(64L * 1024 * 1024);
            assertThat(properties.scrubInterval()).isEqualTo(Duration.ofHours(1));
            assertThat(properties.scrubBytesPerSecond().toBytes()).isEqualTo(32L * 1024 * 1024);
            assertThat(properties.pipelineTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.recycleBytes().toBytes()).isEqualTo(1024L * 1024 * 1024);
            assertThat(properties).asString().doesNotContain("a-secret");
        });
    }

    @Test
    void refusesToStartWithoutASecretOrWithAShortOneAndSaysWhereItComesFrom() {
        runner.run(context -> assertThat(context).getFailure()
                .hasStackTraceContaining("holon.worker.chunks.token-secret must be set")
                .hasStackTraceContaining("HOLON_CHUNK_TOKEN_SECRET"));
        runner.withPropertyValues("holon.worker.chunks.token-secret=short").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("at least 32 bytes"));
    }

    @Test
    void refusesAZeroChunkSize() {
        runner.withPropertyValues(SECRET, "holon.worker.chunks.max-chunk-bytes=0").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("must be positive"));
    }
}
