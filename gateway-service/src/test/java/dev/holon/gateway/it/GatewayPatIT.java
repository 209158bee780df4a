package dev.holon.gateway.it;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.holon.gateway.it.Problems.assertProblem;
import static dev.holon.gateway.it.Problems.retryAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Personal access tokens at the gateway, against the real Keycloak (the gateway's own service token) and a
 * stand-in for auth-service's exchange whose JWTs are really signed: the exchange, what goes downstream, caching
 * and revocation, scopes, tenant pinning, and auth-service being down. The answers are reused for 2 s here (10 s by
 * default) so revocation is seen quickly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.audit.enabled=false", // no Kafka here: GatewayAuditIT has it
        "holon.gateway.rate-limit-per-second=1000",
        "holon.gateway.tokens.max-cache-ttl=PT2S"})
@ExtendWith(OutputCaptureExtension.class)
class GatewayPatIT {

    static final RegistryStandIn registry = RegistryStandIn.start();
    static final SchedulerStandIn scheduler = SchedulerStandIn.start("only");
    static final AuthStandIn auth = AuthStandIn.start();

    @LocalServerPort
    int port;

    GatewayClient gateway;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("holon.gateway.registry-url", registry::url);
        properties.add("holon.gateway.scheduler-url", scheduler::url);
        // files go to the registry stand-in too: it records what reaches it
        properties.add("holon.gateway.storage-url", registry::url);
        properties.add("holon.gateway.tokens.exchange-url", auth::url);
    }

    @AfterAll
    static void stopStandIns() {
        registry.close();
        scheduler.close();
        auth.close();
    }

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port);
        registry.clear();
    }

    static String pat(String... scopes) {
        return auth.issue("alice", "acme", List.of("/tenants/acme", "/tenants/beta"), List.of("user"), scopes);
    }

    HttpResponse<String> send(String method, String path, String token, String... headers) {
        HttpRequest.Builder request = gateway.request(path).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.ofString("{}"));
        if (!method.equals("PUT")) {
            request.header("Content-Type", "application/json");
        } else {
            request.header("Content-Type", "application/octet-stream");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return gateway.send(request.build());
    }

    @Test
    void aPatIsExchangedAsTheGatewayAndOnlyTheMintedJwtGoesDownstream(CapturedOutput output) {
        String pat = pat("read");

        HttpResponse<String> response = gateway.get("/api/v1/nodes", pat);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(RegistryStandIn.NODES);
        RegistryStandIn.Received call = registry.received("/api/v1/nodes").getFirst();
        String forwarded = call.header("Authorization");
        assertThat(forwarded).startsWith("Bearer eyJ").doesNotContain(TokenExchange.PAT_PREFIX);
        assertThat(call.headers().values()).allSatisfy(values -> assertThat(values).noneMatch(v -> v.contains(pat)));
        assertThat(call.header("X-Holon-Tenant")).as("the PAT acts in its tenant").isEqualTo("acme");
        List<AuthStandIn.ExchangeCall> exchanges = auth.callsFor(pat);
        assertThat(exchanges).hasSize(1);
        assertThat(AuthStandIn.isServiceToken(exchanges.getFirst().authorization()))
                .as("the gateway asks with its own service token").isTrue();

        assertThat(gateway.get("/api/v1/cluster", pat).statusCode()).isEqualTo(200);
        assertThat(auth.callsFor(pat)).as("the answer is reused").hasSize(1);
        assertThat(registry.received("/api/v1/cluster").getFirst().header("Authorization")).isEqualTo(forwarded);
        assertThat(output.getAll()).as("the PAT is in no log line").doesNotContain(pat);
    }

    @Test
    void aRevokedPatStopsWorkingWithinTheCacheTime() {
        String pat = pat("read");
        assertThat(gateway.get("/api/v1/nodes", pat).statusCode()).isEqualTo(200);

        auth.revoke(pat);

        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> response = gateway.get("/api/v1/nodes", pat);
            JsonNode problem = assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
            assertThat(problem.get("detail").asString()).contains("revoked, expired or unknown");
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
        });
    }

    @Test
    void anUnknownPatIs401AndReachesNoService() {
        HttpResponse<String> response = gateway.get("/api/v1/nodes", "hol_nosuchtoken");

        assertProblem(response, 401, ProblemType.UNAUTHORIZED.uri());
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void readAllowsReadingOnlyAndARefusalNamesTheMissingScope() {
        String reader = pat("read");

        JsonNode problem = assertProblem(send("POST", "/api/v1/jobs", reader), 403, ProblemType.FORBIDDEN.uri());
        assertThat(problem.get("detail").asString()).contains("'jobs'");
        problem = assertProblem(send("PUT", "/api/v1/files/acme/notes.txt", reader), 403, ProblemType.FORBIDDEN.uri());
        assertThat(problem.get("detail").asString()).contains("'files'");
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void jobsAndFilesScopesChangeTheirOwnCollectionsOnly() {
        String jobs = pat("jobs");
        String files = pat("files");
        int created = scheduler.createdBodies().size();

        assertThat(send("POST", "/api/v1/jobs", jobs).statusCode()).isEqualTo(201);
        assertThat(scheduler.createdBodies()).hasSize(created + 1);
        assertProblem(gateway.get("/api/v1/jobs", jobs), 403, ProblemType.FORBIDDEN.uri());
        assertProblem(send("PUT", "/api/v1/files/acme/a.txt", jobs), 403, ProblemType.FORBIDDEN.uri());

        send("PUT", "/api/v1/files/acme/a.txt", files);
        assertThat(registry.received("/api/v1/files/acme/a.txt")).extracting(RegistryStandIn.Received::method)
                .containsExactly("PUT");
        assertProblem(send("POST", "/api/v1/jobs", files), 403, ProblemType.FORBIDDEN.uri());
    }

    @Test
    void noScopeChangesNodes() {
        String everything = pat("read", "jobs", "files");

        JsonNode problem = assertProblem(send("POST", "/api/v1/nodes/n1/cordon", everything), 403,
                ProblemType.FORBIDDEN.uri());

        assertThat(problem.get("detail").asString()).contains("may not POST");
        assertThat(registry.received()).isEmpty();
    }

    @Test
    void aPatActsOnlyInTheTenantItWasIssuedIn() {
        String pat = pat("read");

        JsonNode problem = assertProblem(send("GET", "/api/v1/nodes", pat, "X-Holon-Tenant", "beta"), 403,
                ProblemType.FORBIDDEN.uri());
        assertThat(problem.get("detail").asString()).contains("'acme'");
        assertThat(send("GET", "/api/v1/nodes", pat, "X-Holon-Tenant", "acme").statusCode()).isEqualTo(200);
        assertThat(registry.received()).hasSize(1);
    }

    @Test
    void keycloakTokensAreNotLimitedByScopes() {
        String demo = TestKeycloak.tokens().demo();
        int created = scheduler.createdBodies().size();

        assertThat(send("POST", "/api/v1/jobs", demo).statusCode()).isEqualTo(201);
        assertThat(scheduler.createdBodies()).hasSize(created + 1);
    }

    @Test
    void aJwtNotSignedWithAuthServicesKeyIsRejected() {
        try (TestJwtIssuer impostor = new TestJwtIssuer(TokenExchange.ISSUER)) {
            auth.signWith(impostor);
            String pat = pat("read");

            assertProblem(gateway.get("/api/v1/nodes", pat), 401, ProblemType.UNAUTHORIZED.uri());
            assertThat(registry.received()).isEmpty();
        } finally {
            auth.signWith(null);
        }
    }

    @Test
    void whenAuthServiceIsDownAPatIs503WithRetryAfterNot401() {
        String pat = pat("read");
        auth.stop();
        try {
            HttpResponse<String> response = gateway.get("/api/v1/nodes", pat);

            JsonNode problem = assertProblem(response, 503, ProblemType.UNAVAILABLE.uri());
            assertThat(problem.get("detail").asString()).contains("auth-service");
            assertThat(retryAfter(response)).isPositive();
        } finally {
            auth.restart();
        }
        assertThat(gateway.get("/api/v1/nodes", pat).statusCode()).as("not remembered as a failure").isEqualTo(200);
    }
}
