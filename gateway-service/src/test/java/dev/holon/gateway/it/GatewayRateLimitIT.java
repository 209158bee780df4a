package dev.holon.gateway.it;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import dev.holon.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.holon.gateway.it.Problems.assertProblem;
import static dev.holon.gateway.it.Problems.retryAfter;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-user request limits: a burst over the allowance gets 429 problems; other users are not affected. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.audit.enabled=false", // no Kafka here: GatewayAuditIT has it
        "holon.gateway.rate-limit-per-second=5"})
class GatewayRateLimitIT {

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

    @Test
    void aBurstOverTheLimitIs429ProblemWithRetryAfterAndOtherUsersCarryOn() {
        GatewayClient gateway = new GatewayClient(port);
        String demo = TestKeycloak.tokens().demo();
        String operator = TestKeycloak.tokens().operator();

        List<HttpResponse<String>> burst = IntStream.range(0, 30)
                .mapToObj(i -> gateway.getAsync("/api/v1/nodes", demo))
                .toList().stream().map(CompletableFuture::join).toList();

        List<HttpResponse<String>> limited = burst.stream().filter(r -> r.statusCode() == 429).toList();
        long passed = burst.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(passed + limited.size()).isEqualTo(30);
        assertThat(passed).as("5 at once, plus what refilled during the burst").isBetween(5L, 12L);
        assertThat(limited).isNotEmpty();
        HttpResponse<String> rejected = limited.getFirst();
        assertProblem(rejected, 429, ProblemType.RATE_LIMITED.uri());
        assertThat(retryAfter(rejected)).isEqualTo(1);
        assertThat(registry.received("/api/v1/nodes")).hasSize((int) passed);

        assertThat(gateway.get("/api/v1/nodes", operator).statusCode()).isEqualTo(200);
    }
}
