package dev.holon.config;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.web.client.RestClient;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Serves the repository's real config/ folder: shared defaults plus each service's own file. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.cloud.config.server.native.search-locations=file:../config/")
class ConfigServiceTest {

    @Value("${local.server.port}")
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void servesSharedAndServiceSpecificProperties() {
        Map<String, Object> env = RestClient.create("http://localhost:" + port)
                .get().uri("/registry-service/default").retrieve().body(Map.class);

        List<Map<String, Object>> sources = (List<Map<String, Object>>) env.get("propertySources");
        assertThat(sources).extracting(s -> Path.of(String.valueOf(s.get("name")).replace("file:", "")).getFileName().toString())
                .containsExactly("registry-service.yml", "application.yml");
        Map<String, Object> registry = (Map<String, Object>) sources.getFirst().get("source");
        assertThat(registry).containsEntry("holon.registry.down-after", "PT4S");
        Map<String, Object> shared = (Map<String, Object>) sources.get(1).get("source");
        assertThat(shared).containsKey("spring.kafka.bootstrap-servers");
    }
}
