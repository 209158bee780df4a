package dev.holon.scheduler.it;

import dev.holon.contracts.Ids;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.AuthQuotaStandIn;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.RegistryStandIn;
import dev.holon.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant quotas through the scheduler's REST API, against real PostgreSQL, Kafka and Keycloak, with auth-service's
 * quota endpoint and the registry as HTTP stand-ins: one node with room for four 1-core tasks, and a tenant allowed
 * two cores, then four.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S",
        "holon.scheduler.placement-interval=PT0.1S", "holon.scheduler.node-view-refresh=PT0.3S",
        "holon.scheduler.leader-retry=PT0.5S", "holon.auth.quota-cache-for=PT0.3S"})
class TenantQuotaIT {

    static final RegistryStandIn REGISTRY = new RegistryStandIn();
    static final AuthQuotaStandIn AUTH = new AuthQuotaStandIn();
    /** The tenant of the demo user (the realm puts it in /tenants/default). */
    static final String TENANT = "default";

    static KeycloakTokens tokens;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // its own database: another scheduler context of this JVM may lead on the shared one, and its tasks would
        // count against the tenant's quota here
        TestInfrastructure.registerOwnDatabaseAndKafka(registry, "holon_tenant_quota_it");
        TestInfrastructure.registerIssuer(registry);
        registry.add("holon.scheduler.registry-url", REGISTRY::url);
        registry.add("holon.scheduler.storage.url", () -> "http://127.0.0.1:1");
        registry.add("holon.auth.url", AUTH::url);
    }

    @BeforeAll
    static void start() {
        REGISTRY.node(Ids.newId(), NodeState.UP); // 4 cores, 8 GiB
        tokens = TestInfrastructure.tokens();
    }

    @AfterAll
    static void stop() {
        AUTH.close();
        REGISTRY.close();
    }

    @Test
    void tasksBeyondTheTenantsQuotaWaitWithTheReasonUntilOthersFinishOrTheQuotaRises() {
        AUTH.quota(TENANT, new TenantQuota(2000L, null, null, null, null));
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();

        // three 1-core tasks against a 2-core quota: two run, the third waits and the job says why
        String first = submit(api, user, "three", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> states(api, user, first).equals(
                List.of("SCHEDULED", "SCHEDULED", "PENDING")));
        JsonNode job = api.get("/api/v1/jobs/" + first, user).json();
        assertThat(job.path("tenant").asString()).isEqualTo(TENANT);
        assertThat(job.path("pendingReason").asString())
                .isEqualTo("tenant quota: default would use 3000 of 2000 millicores CPU");

        // a second job of the tenant waits too, although the node has room
        String second = submit(api, user, "one", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> "tenant quota: default would use 3000 of 2000 millicores CPU"
                .equals(api.get("/api/v1/jobs/" + second, user).json().path("pendingReason").asString()));
        await().pollDelay(Duration.ofMillis(600)).until(() -> true); // several placement passes
        assertThat(states(api, user, second)).containsExactly("PENDING");

        // the first job ends: its cores go back to the tenant, and the waiting task is placed
        assertThat(api.send("POST", "/api/v1/jobs/" + first + "/cancel", user, null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> states(api, user, second).equals(List.of("SCHEDULED")));
        assertThat(api.get("/api/v1/jobs/" + second, user).json().path("pendingReason").isNull()).isTrue();

        // a third job: one task fits the quota beside the second job's, two wait until the quota rises
        String third = submit(api, user, "three-more", 3);
        await().atMost(Duration.ofSeconds(20)).until(() -> states(api, user, third).equals(
                List.of("SCHEDULED", "PENDING", "PENDING")));
        assertThat(api.get("/api/v1/jobs/" + third, user).json().path("pendingReason").asString())
                .isEqualTo("tenant quota: default would use 3000 of 2000 millicores CPU");
        AUTH.quota(TENANT, new TenantQuota(4000L, null, null, null, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> states(api, user, third).equals(
                List.of("SCHEDULED", "SCHEDULED", "SCHEDULED")));
        assertThat(AUTH.requests()).as("auth-service was asked with the scheduler's token").isPositive();
    }

    private static String submit(ApiClient api, String user, String name, int count) {
        ApiClient.Response response = api.send("POST", "/api/v1/jobs", user, """
                {"name": "%s", "command": ["echo", "hi"], "resources": {"cpuMillis": 1000, "memoryMiB": 64, "gpus": 0},
                 "count": %d}""".formatted(name, count));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("id").asString();
    }

    private static List<String> states(ApiClient api, String user, String jobId) {
        List<String> states = new ArrayList<>();
        api.get("/api/v1/jobs/" + jobId, user).json().path("tasks").forEach(t -> states.add(t.path("state").asString()));
        return states;
    }
}
