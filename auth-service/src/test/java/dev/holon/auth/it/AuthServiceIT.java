package dev.holon.auth.it;

import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.TestInfrastructure;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every auth-service integration test shares: one Spring context (same configuration, so Spring's test context
 * cache gives every subclass the same running service) against the real PostgreSQL, Kafka and Keycloak of
 * {@link TestInfrastructure}, and helpers to call it as users, services and anonymous clients.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S", "holon.auth.sync-interval=PT1S"})
abstract class AuthServiceIT {

    static KeycloakTokens tokens;

    @LocalServerPort
    int port;

    ApiClient api;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerAll(registry, "auth");
        registry.add("holon.auth.realm-url", () -> TestInfrastructure.keycloak().issuerUri());
    }

    @BeforeAll
    static void tokens() {
        tokens = TestInfrastructure.tokens();
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    /** A name no other test (or earlier run against the same Keycloak) uses. */
    static String unique(String prefix) {
        return prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    ApiClient.Response post(String path, String token, String json) {
        return api.send("POST", path, token, json);
    }

    ApiClient.Response put(String path, String token, String json, String... headers) {
        return api.send("PUT", path, token, json, headers);
    }

    ApiClient.Response delete(String path, String token) {
        return api.send("DELETE", path, token, null);
    }

    /** Asserts an RFC 9457 answer of this status and problem type. */
    static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo(type);
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
    }

    /** The claims of a JWT, unverified (tests only read what Keycloak or auth-service put there). */
    static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        return ApiClient.JSON.readTree(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}
