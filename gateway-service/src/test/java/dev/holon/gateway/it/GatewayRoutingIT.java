package dev.holon.gateway.it;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.TestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.holon.gateway.it.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway against a real Keycloak, an HTTP stand-in for registry-service and two for scheduler-service
 * replicas: routing, token relay, failover between replicas, authentication problems, the gateway's own 404/405,
 * problem pages, proxied OpenAPI and actuator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.audit.enabled=false", // no Kafka here: GatewayAuditIT has it
        "holon.gateway.rate-limit-per-second=1000",
        "holon.gateway.token-clock-skew=PT0S"})
class GatewayRoutingIT {

    static final RegistryStandIn registry = RegistryStandIn.start();
    static final SchedulerStandIn firstScheduler = SchedulerStandIn.start("first");
    static final SchedulerStandIn secondScheduler = SchedulerStandIn.start("second");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("holon.gateway.registry-url", registry::url);
        properties.add("holon.gateway.scheduler-url", () -> firstScheduler.url() + "," + secondScheduler.url());
        // auth-service's routes go to the registry stand-in too: it records what got through
        properties.add("holon.gateway.auth-url", registry::url);
    }

    @AfterAll
    static void stopStandIns() {
        registry.close();
        firstScheduler.close();
        secondScheduler.close();
    }

    GatewayClient gateway;

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port);
        registry.clear();
    }

    static String token(String user) {
        return TestKeycloak.tokens().user(user, "holon-" + user);
    }

    @Test
    void relaysTheCallersTokenUnchangedToTheRegistry() {
        String token = token("admin");

        HttpResponse<String> response = gateway.get("/api/v1/nodes", token);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(RegistryStandIn.NODES);
        List<RegistryStandIn.Received> calls = registry.received("/api/v1/nodes");
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().header("Authorization")).isEqualTo("Bearer " + token);
        assertThat(calls.getFirst().header("traceparent")).as("the trace continues downstream").isNotBlank();
    }

    @Test
    void routesTheClusterSummaryAndNodePathsToo() {
        String token = token("operator");

        assertThat(gateway.get("/api/v1/cluster", token).body()).isEqualTo(RegistryStandIn.CLUSTER);
        HttpResponse<String> missing = gateway.get("/api/v1/nodes/missing", token);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).as("the service's own problem passes through unchanged")
                .isEqualTo(RegistryStandIn.NOT_FOUND);
        assertThat(registry.received()).extracting(RegistryStandIn.Received::path)
                .containsExactly("/api/v1/cluster", "/api/v1/nodes/missing");
    }

    @Test
    void tellsTheServiceWhoCalledAndCannotBeFooledAboutIt() {
        HttpRequest request = gateway.request("/api/v1/nodes")
                .header("Authorization", "Bearer " + token("demo"))
                .header("X-Forwarded-For", "203.0.113.66")
                .header("X-Forwarded-Host", "evil.example")
                .GET().build();

        assertThat(gateway.send(request).statusCode()).isEqualTo(200);

        RegistryStandIn.Received call = registry.received("/api/v1/nodes").getFirst();
        assertThat(call.header("X-Forwarded-For")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(call.header("X-Forwarded-Host")).isEqualTo("localhost:" + port);
        assertThat(call.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(call.header("X-Forwarded-Port")).isEqualTo(Integer.toString(port));
    }

    @Test
    void authServicesKeySetIsOpenAndItsOtherPathsNeedAToken() {
        HttpResponse<String> jwks = gateway.get("/api/v1/tokens/jwks");

        assertThat(jwks.statusCode()).as("the stand-in's own answer: the request got through").isEqualTo(404);
        assertThat(registry.received("/api/v1/tokens/jwks")).hasSize(1);
        assertProblem(gateway.get("/api/v1/tenants"), 401, ProblemType.UNAUTHORIZED.uri());
        assertProblem(gateway.get("/api/v1/tokens"), 401, ProblemType.UNAUTHORIZED.uri());
        assertThat(registry.received()).extracting(RegistryStandIn.Received::path).containsExactly("/api/v1/tokens/jwks");
        assertThat(gateway.get("/api/v1/tenants", token("demo")).statusCode()).isEqualTo(404);
        assertThat(registry.received("/api/v1/tenants")).hasSize(1);
    }

    @Test
    void withoutATokenTheAnswerIs401ProblemWithABearerChallenge() {
        HttpResponse<String> response = gateway.get("/api/v1/nodes");

        assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void aTamperedTokenIsRejected() {
        String token = token("demo");
        String[] parts = token.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]));
        String forged = payload.replaceFirst("\\{", "{\"role\":\"admin\",");
        assertThat(forged).isNotEqualTo(payload);
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes()) + "." + parts[2];

        HttpResponse<String> response = gateway.get("/api/v1/nodes", tampered);

        assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer").contains("error=\"invalid_token\""));
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void anExpiredTokenIsRejected() {
        String token = TestKeycloak.shortLivedToken("gateway-it-short-lived", 1, KeycloakTokens.DEMO,
                KeycloakTokens.DEMO_PASSWORD);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> response = gateway.get("/api/v1/nodes", token);
            assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        });
    }

    @Test
    void aTokenOfTheSameRealmForAnotherAudienceIsRejected() {
        String token = TestKeycloak.tokenForAnotherAudience("gateway-it-other-audience", KeycloakTokens.DEMO,
                KeycloakTokens.DEMO_PASSWORD);

        HttpResponse<String> response = gateway.get("/api/v1/nodes", token);

        JsonNode problem = assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
        assertThat(problem.get("detail").asString()).contains("audience");
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void anUnknownRouteIs404Problem() {
        JsonNode problem = assertProblem(gateway.get("/no/such/thing"), 404, ProblemType.NOT_FOUND.uri());
        assertThat(problem.get("traceId").asString()).matches("[0-9a-f]{16,32}");
        assertProblem(gateway.get("/api/v1/nonsense", token("demo")), 404, ProblemType.NOT_FOUND.uri());
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void aPathThatClimbsOutOfItsNamespaceIs400ProblemAndReachesNoService() {
        JsonNode problem = assertProblem(gateway.get("/api/v1/nodes/x/../../cluster", token("demo")), 400,
                ProblemType.VALIDATION.uri());
        assertThat(problem.get("detail").asString()).contains("'..'");
        assertProblem(gateway.get("/api/v1/nodes/x%2F..%2Fy", token("demo")), 400, ProblemType.VALIDATION.uri());
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void aWrongMethodIs405ProblemWithAllow() {
        HttpResponse<String> response = gateway.send(gateway.request("/problems/not-found")
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertProblem(response, 405, ProblemType.METHOD_NOT_ALLOWED.uri());
        assertThat(response.headers().firstValue("Allow")).contains("GET");
    }

    @Test
    void servesAPageForEveryProblemType() {
        for (ProblemType type : ProblemType.values()) {
            HttpResponse<String> page = gateway.get(type.uri());
            assertThat(page.statusCode()).as(type.uri()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(page.body()).contains(type.title());
        }
    }

    @Test
    void proxiesTheRegistrysOpenApiDocumentAndListsItInSwaggerUi() {
        HttpResponse<String> docs = gateway.get("/v3/api-docs/registry");

        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).isEqualTo(RegistryStandIn.API_DOCS);
        assertThat(registry.received()).extracting(RegistryStandIn.Received::path).containsExactly("/v3/api-docs");

        JsonNode config = GatewayClient.json(gateway.get("/v3/api-docs/swagger-config"));
        assertThat(config.get("urls").valueStream().map(u -> u.get("url").asString()))
                .contains("/v3/api-docs", "/v3/api-docs/registry");
        assertThat(gateway.get("/v3/api-docs").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/swagger-ui.html").statusCode()).isIn(200, 302);
    }

    @Test
    void healthInfoAndMetricsAreOpenTheRestOfActuatorIsNot() {
        assertThat(gateway.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/actuator/info").statusCode()).isEqualTo(200);
        gateway.get("/api/v1/cluster", token("operator"));

        HttpResponse<String> metrics = gateway.get("/actuator/prometheus");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("http_server_requests_seconds_count")
                .contains("resilience4j_circuitbreaker_state{")
                .contains("holon_gateway_rate_limited_total");
        assertProblem(gateway.get("/actuator/env"), 401, ProblemType.UNAUTHORIZED.uri());
    }

    @Test
    void theRootPageIsOpen() {
        HttpResponse<String> root = gateway.get("/");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("swagger-ui.html");
    }

    @Test
    void spreadsJobRequestsOverTheSchedulerReplicasAndSkipsOneThatIsDown() {
        String token = token("demo");

        Set<String> replicas = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = gateway.get("/api/v1/jobs", token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            replicas.add(GatewayClient.json(response).path("replica").asString());
        }
        assertThat(replicas).containsExactlyInAnyOrder("first", "second");

        firstScheduler.stop();
        try {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> listed = gateway.get("/api/v1/jobs", token);
                assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
                assertThat(GatewayClient.json(listed).path("replica").asString()).isEqualTo("second");

                String job = "{\"name\":\"job-" + i + "\"}";
                HttpResponse<String> created = gateway.send(gateway.request("/api/v1/jobs")
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(job)).build());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                assertThat(secondScheduler.createdBodies()).last().isEqualTo(job);
            }
        } finally {
            firstScheduler.restart();
        }
    }
}
