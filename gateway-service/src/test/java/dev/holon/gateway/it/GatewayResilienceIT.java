package dev.holon.gateway.it;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import dev.holon.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;

import static dev.holon.gateway.it.Problems.assertProblem;
import static dev.holon.gateway.it.Problems.retryAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a caller sees when registry-service is slow, down or failing: 503 problems with Retry-After within the
 * timeout, an open circuit that spares the service, recovery when it is back; and its 4xx answers passed on
 * without counting against it. The tests share one circuit, so they run in order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.audit.enabled=false", // no Kafka here: GatewayAuditIT has it
        "holon.gateway.rate-limit-per-second=1000",
        "holon.gateway.downstream-timeout=PT1S",
        "holon.gateway.circuit-open-duration=PT4S",
        "holon.gateway.unavailable-retry-after=PT2S"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayResilienceIT {

    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final RegistryStandIn registry = RegistryStandIn.start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("holon.gateway.registry-url", registry::url);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    GatewayClient gateway;
    static String token;

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port);
        if (token == null) {
            token = TestKeycloak.tokens().operator();
        }
    }

    @Test
    @Order(1)
    void downstreamClientErrorsPassThroughAndDoNotTripTheBreaker() {
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> response = gateway.get("/api/v1/nodes/missing", token);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo(RegistryStandIn.NOT_FOUND);
        }

        assertThat(circuitState()).isEqualTo("closed");
        assertThat(gateway.get("/api/v1/nodes", token).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aSlowDownstreamIs503WithRetryAfterOnceTheTimeoutPasses() {
        long start = System.nanoTime();
        HttpResponse<String> response = gateway.get("/api/v1/nodes/slow", token);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        JsonNode problem = assertProblem(response, 503, ProblemType.UNAVAILABLE.uri());
        assertThat(problem.get("detail").asString()).isEqualTo("registry-service is not answering; retry shortly");
        assertThat(retryAfter(response)).isEqualTo(2);
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT).isLessThan(TIMEOUT.plusMillis(1500));
    }

    @Test
    @Order(3)
    void aStoppedDownstreamIs503ThenTheCircuitOpensAndLaterRecovers() {
        registry.stop();
        try {
            long start = System.nanoTime();
            HttpResponse<String> first = gateway.get("/api/v1/nodes", token);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            JsonNode problem = assertProblem(first, 503, ProblemType.UNAVAILABLE.uri());
            assertThat(problem.get("detail").asString()).contains("registry-service");
            assertThat(retryAfter(first)).isPositive();
            assertThat(took).isLessThan(TIMEOUT.plusMillis(500));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertProblem(gateway.get("/api/v1/nodes", token), 503, ProblemType.UNAVAILABLE.uri());
                assertThat(circuitState()).isEqualTo("open");
            });
            HttpResponse<String> whileOpen = gateway.get("/api/v1/nodes", token);
            assertProblem(whileOpen, 503, ProblemType.UNAVAILABLE.uri());
            assertThat(retryAfter(whileOpen)).isBetween(1L, 4L);
            assertProblem(gateway.get("/v3/api-docs/registry"), 503, ProblemType.UNAVAILABLE.uri());
        } finally {
            registry.restart();
        }
        registry.clear();

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(gateway.get("/api/v1/nodes", token).statusCode()).isEqualTo(200));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            gateway.get("/api/v1/nodes", token);
            assertThat(circuitState()).isEqualTo("closed");
        });
    }

    private String circuitState() {
        String metrics = gateway.get("/actuator/prometheus").body();
        return metrics.lines()
                .filter(line -> line.startsWith("resilience4j_circuitbreaker_state{") && line.contains("registry-service")
                        && line.endsWith(" 1.0"))
                .map(line -> line.replaceAll(".*state=\"([a-z_]+)\".*", "$1"))
                .findFirst().orElse("unknown");
    }
}
