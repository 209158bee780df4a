package dev.holon.registry.it;

import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.Ids;
import dev.holon.registry.RegistryApplication;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeUsage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The registry against real PostgreSQL, Kafka and Keycloak, through its REST API and topics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "holon.registry.suspect-after=PT1S", "holon.registry.down-after=PT2S", "holon.registry.sweep-interval=PT0.1S",
        "holon.outbox.poll-interval=PT0.1S", "spring.cloud.config.enabled=false"})
class RegistryIT {

    private static final String[] FAST_DETECTION = {
            "--holon.registry.suspect-after=PT1S", "--holon.registry.down-after=PT2S",
            "--holon.registry.sweep-interval=PT0.1S", "--holon.outbox.poll-interval=PT0.1S"};

    static KeycloakTokens tokens;
    static TopicRecorder<EventEnvelope<Object>> events;
    static TopicRecorder<EventEnvelope<Object>> audit;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerAll(registry, "registry");
    }

    @BeforeAll
    static void start() {
        tokens = TestInfrastructure.tokens();
        events = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.NODE_EVENTS, new EnvelopeDeserializer());
        audit = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.AUDIT, new EnvelopeDeserializer());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        events.close();
        audit.close();
    }

    @Test
    void aNodeEnrolsHeartbeatsGoesDownWhenSilentAndComesBack() {
        ApiClient api = new ApiClient(port);
        String id = Ids.newId();

        ApiClient.Response first = api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-1", "{\"zone\":\"a\"}"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).isEqualTo("/api/v1/nodes/" + id);
        assertThat(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-1", "{\"zone\":\"a\"}")).status())
                .isEqualTo(200);

        String user = tokens.demo();
        try (HeartbeatSender worker = new HeartbeatSender(id).beat()) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode node = api.get("/api/v1/nodes/" + id, user).json();
                assertThat(node.path("state").asString()).isEqualTo("UP");
                assertThat(node.path("usage").path("cpuLoad").asDouble()).isEqualTo(0.25);
            });
            JsonNode node = api.get("/api/v1/nodes/" + id, user).json();
            assertThat(node.path("capacity").path("cpuMillis").asLong()).isEqualTo(4000);
            assertThat(node.path("labels").path("zone").asString()).isEqualTo("a");
            assertThat(node.path("apiUrl").asString()).isEqualTo("http://127.0.0.1:8091");

            // Heartbeats are not edits: the ETag an operator read stays valid while the node keeps beating.
            String etag = api.get("/api/v1/nodes/" + id, user).header("ETag");
            await().pollDelay(Duration.ofMillis(1500)).until(() -> true);
            assertThat(api.get("/api/v1/nodes/" + id, user).header("ETag")).isEqualTo(etag);
            assertThat(api.send("PATCH", "/api/v1/nodes/" + id, tokens.operator(), "{\"labels\":{\"rack\":\"r1\"}}",
                    "If-Match", etag).status()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(api.get("/api/v1/nodes/" + id, user).json().path("state").asString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeDown"));

        try (HeartbeatSender worker = new HeartbeatSender(id).beat()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(api.get("/api/v1/nodes/" + id, user).json().path("state").asString()));
            await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeUp"));
        }
        assertThat(types(id)).containsSubsequence("holon.node.NodeJoined", "holon.node.NodeSuspect",
                "holon.node.NodeDown", "holon.node.NodeUp");
    }

    @Test
    void aHeartbeatTheBrokerDidNotTakeComesOverRest() {
        ApiClient api = new ApiClient(port);
        String id = Ids.newId();
        assertThat(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-rest", "{}")).status())
                .isEqualTo(201);
        String user = tokens.demo();
        await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(api.get("/api/v1/nodes/" + id, user).json().path("state").asString()));

        ApiClient.Response beat = api.send("POST", "/api/v1/nodes/" + id + "/heartbeats", tokens.node(), heartbeat(id));
        assertThat(beat.status()).as(beat.body()).isEqualTo(204);
        JsonNode node = api.get("/api/v1/nodes/" + id, user).json();
        assertThat(node.path("state").asString()).isEqualTo("UP");
        assertThat(node.path("usage").path("memoryAvailableMiB").asLong()).isEqualTo(6000);

        assertProblem(api.send("POST", "/api/v1/nodes/" + id + "/heartbeats", tokens.node(), heartbeat(Ids.newId())),
                400, "/problems/validation");
        String stranger = Ids.newId();
        assertProblem(api.send("POST", "/api/v1/nodes/" + stranger + "/heartbeats", tokens.node(), heartbeat(stranger)),
                404, "/problems/not-found");
        assertProblem(api.send("POST", "/api/v1/nodes/" + id + "/heartbeats", user, heartbeat(id)),
                403, "/problems/forbidden");
    }

    @Test
    void aSilentNodeThatStillAnswersAtItsAddressIsSuspectNotDownUntilItStopsAnswering() throws IOException {
        ApiClient api = new ApiClient(port);
        String id = Ids.newId();
        HttpServer worker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        worker.createContext("/actuator/info", exchange -> {
            byte[] body = ("{\"component\":\"node-worker\",\"node\":{\"id\":\"" + id + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        worker.start();
        boolean answering = true;
        try {
            String apiUrl = "http://127.0.0.1:" + worker.getAddress().getPort();
            assertThat(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(),
                    enrolment("host-answers", "{}").replace("http://127.0.0.1:8091", apiUrl)).status()).isEqualTo(201);
            String user = tokens.demo();
            // Enrolled and never heard from again, like a node whose heartbeats this registry stopped reading.
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUSPECT".equals(state(api, id, user)));
            await().pollDelay(Duration.ofSeconds(5)).until(() -> true); // over twice down-after
            assertThat(state(api, id, user)).as("it answers at its address as itself").isEqualTo("SUSPECT");
            assertThat(types(id)).doesNotContain("holon.node.NodeDown");

            worker.stop(0);
            answering = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(state(api, id, user)));
            await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeDown"));
        } finally {
            if (answering) {
                worker.stop(0);
            }
        }
    }

    private static String state(ApiClient api, String id, String token) {
        return api.get("/api/v1/nodes/" + id, token).json().path("state").asString();
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String heartbeat(String nodeId) {
        return JSON.writeValueAsString(new NodeHeartbeat(nodeId, System.currentTimeMillis(), Instant.now(),
                new NodeResources(4000, 8192, 0, 100_000), new NodeUsage(0.5, 0.5, 6000, 90_000), Map.of(), List.of()));
    }

    @Test
    void rolesDecideWhoChangesNodesAndEveryErrorIsProblemJson() {
        ApiClient api = new ApiClient(port);
        String id = Ids.newId();
        assertThat(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-2", "{}")).status()).isEqualTo(201);

        assertProblem(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(),
                enrolment("host-2", "{}").replace("http://127.0.0.1:8091", "not a url")), 400, "/problems/validation");

        ApiClient.Response anonymous = api.get("/api/v1/nodes", null);
        assertProblem(anonymous, 401, "/problems/unauthorized");
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertProblem(api.get("/api/v1/nodes", "not-a-token"), 401, "/problems/unauthorized");

        assertProblem(api.send("POST", "/api/v1/nodes/" + id + "/cordon", tokens.demo(), null), 403, "/problems/forbidden");
        assertProblem(api.send("PUT", "/api/v1/nodes/" + Ids.newId(), tokens.demo(), enrolment("h", "{}")), 403, "/problems/forbidden");

        String operator = tokens.operator();
        ApiClient.Response cordoned = api.send("POST", "/api/v1/nodes/" + id + "/cordon", operator, null);
        assertThat(cordoned.status()).isEqualTo(200);
        assertThat(cordoned.json().path("cordoned").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeCordoned"));

        ApiClient.Response drained = api.send("POST", "/api/v1/nodes/" + id + "/drain", operator, null);
        assertThat(drained.status()).isEqualTo(202);
        assertThat(drained.json().path("draining").asBoolean()).isTrue();

        assertProblem(api.get("/api/v1/nodes/" + Ids.newId(), operator), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/no-such-thing", operator), 404, "/problems/not-found");
        assertProblem(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), "{not json"), 400, "/problems/validation");
        ApiClient.Response unknownField = api.send("PUT", "/api/v1/nodes/" + id, tokens.node(),
                "{\"hostname\":\"h\",\"capacity\":{\"cpuMillis\":1,\"memoryMiB\":1,\"gpus\":0,\"diskMiB\":1},\"colour\":\"red\"}");
        assertProblem(unknownField, 400, "/problems/validation");
        assertThat(unknownField.json().path("detail").asString()).contains("colour");
        ApiClient.Response missingCapacity = api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), "{\"hostname\":\"h\"}");
        assertProblem(missingCapacity, 400, "/problems/validation");
        assertThat(missingCapacity.json().path("errors").get(0).path("field").asString()).isEqualTo("capacity");
        assertProblem(api.send("PUT", "/api/v1/nodes/not-a-uuid", tokens.node(), enrolment("h", "{}")), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/nodes?limit=1000", operator), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/nodes?state=SLEEPING", operator), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/nodes?cursor=!!!", operator), 400, "/problems/validation");
        assertProblem(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("h", "{}"), "Content-Type", "text/plain"),
                415, "/problems/unsupported-media-type");
        String huge = enrolment("h", "{\"padding\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertProblem(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), huge), 413, "/problems/payload-too-large");
        assertProblem(api.send("DELETE", "/api/v1/cluster", operator, null), 405, "/problems/method-not-allowed");

        long version = api.get("/api/v1/nodes/" + id, operator).json().path("version").asLong();
        ApiClient.Response patched = api.send("PATCH", "/api/v1/nodes/" + id, operator, "{\"labels\":{\"rack\":\"r7\"}}",
                "If-Match", "\"" + version + "\"");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().path("labels").path("rack").asString()).isEqualTo("r7");
        assertProblem(api.send("PATCH", "/api/v1/nodes/" + id, operator, "{\"labels\":{\"rack\":\"r8\"}}",
                "If-Match", "\"" + version + "\""), 412, "/problems/precondition-failed");
    }

    @Test
    void listsPageByCursorAndFilterByLabel() {
        ApiClient api = new ApiClient(port);
        String zone = "zone-" + Ids.newId().substring(30);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = Ids.newId();
            ids.add(id);
            api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-" + i, "{\"zone\":\"" + zone + "\"}"));
        }
        String admin = tokens.admin();
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/nodes?label=zone=" + zone + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor), admin).json();
            page.path("items").forEach(item -> paged.add(item.path("id").asString()));
            cursor = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asString();
        } while (cursor != null);
        assertThat(paged).containsExactlyElementsOf(ids);

        JsonNode cluster = api.get("/api/v1/cluster", admin).json();
        assertThat(cluster.path("nodes").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(cluster.path("total").path("cpuMillis").asLong()).isGreaterThanOrEqualTo(12_000);
    }

    @Test
    void aRemovedNodeStaysRemovedItsHeartbeatsAreRejectedAndAuditedAndItCannotEnrolAgain() {
        ApiClient api = new ApiClient(port);
        String id = Ids.newId();
        String zone = "removal-" + Ids.newId().substring(30);
        assertThat(api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-gone", "{\"zone\":\"" + zone + "\"}"))
                .status()).isEqualTo(201);
        String operator = tokens.operator();

        assertProblem(api.send("DELETE", "/api/v1/nodes/" + id, tokens.demo(), null), 403, "/problems/forbidden");
        assertProblem(api.send("DELETE", "/api/v1/nodes/" + Ids.newId(), operator, null), 404, "/problems/not-found");
        ApiClient.Response removed = api.send("DELETE", "/api/v1/nodes/" + id, operator, null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertProblem(api.send("DELETE", "/api/v1/nodes/" + id, operator, null), 409, "/problems/conflict");
        assertProblem(api.send("POST", "/api/v1/nodes/" + id + "/cordon", operator, null), 409, "/problems/conflict");

        await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeRemoved"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !auditFacts(id, "node.removed").isEmpty());
        AuditFact removal = auditFacts(id, "node.removed").getFirst();
        assertThat(removal.actor()).isEqualTo(KeycloakTokens.OPERATOR);
        assertThat(removal.outcome()).isEqualTo(AuditFact.SUCCESS);
        assertThat(removal.tenant()).isNull();

        // Gone from the cluster: out of the default list, still readable by id and with ?state=REMOVED.
        String user = tokens.demo();
        assertThat(api.get("/api/v1/nodes?label=zone=" + zone, user).json().path("items").size()).isZero();
        JsonNode listed = api.get("/api/v1/nodes?state=REMOVED&label=zone=" + zone, user).json().path("items");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.get(0).path("id").asString()).isEqualTo(id);

        try (HeartbeatSender worker = new HeartbeatSender(id).beat()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !auditFacts(id, "node.heartbeat-rejected").isEmpty());
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // eight more heartbeats: none brings it back
            assertThat(api.get("/api/v1/nodes/" + id, user).json().path("state").asString()).isEqualTo("REMOVED");
        }
        List<AuditFact> rejected = auditFacts(id, "node.heartbeat-rejected");
        assertThat(rejected).hasSize(1); // at most one per node per minute
        assertThat(rejected.getFirst().actor()).isEqualTo("node:" + id);
        assertThat(rejected.getFirst().outcome()).isEqualTo(AuditFact.DENIED);
        assertThat(types(id)).doesNotContain("holon.node.NodeUp");

        ApiClient.Response again = api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-gone", "{}"));
        assertProblem(again, 403, "/problems/forbidden");
        assertThat(again.json().path("detail").asString()).isEqualTo("node " + id
                + " was removed; enrol it again with a new enrolment token under a new id");
        assertThat(api.get("/api/v1/nodes/" + id, user).json().path("state").asString()).isEqualTo("REMOVED");
    }

    @Test
    void twoReplicasPublishEachTransitionExactlyOnce() {
        List<String> args = new ArrayList<>(List.of(FAST_DETECTION));
        args.addAll(List.of("--server.port=0", "--spring.cloud.config.enabled=false",
                "--spring.datasource.url=" + TestInfrastructure.postgres().jdbcUrl(),
                "--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafka().bootstrapServers(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + TestInfrastructure.keycloak().issuerUri(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + TestInfrastructure.keycloak().issuerUri() + "/protocol/openid-connect/certs"));
        try (ConfigurableApplicationContext replica = new SpringApplicationBuilder(RegistryApplication.class)
                .run(args.toArray(String[]::new))) {
            ApiClient api = new ApiClient(port);
            String id = Ids.newId();
            api.send("PUT", "/api/v1/nodes/" + id, tokens.node(), enrolment("host-r", "{}"));
            try (HeartbeatSender worker = new HeartbeatSender(id).beat()) {
                await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15))
                        .until(() -> "UP".equals(api.get("/api/v1/nodes/" + id, tokens.admin()).json().path("state").asString()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> types(id).contains("holon.node.NodeDown"));
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // room for a duplicate to show up
            assertThat(Collections.frequency(types(id), "holon.node.NodeSuspect")).isEqualTo(1);
            assertThat(Collections.frequency(types(id), "holon.node.NodeDown")).isEqualTo(1);
        }
    }

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo(type);
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
    }

    private static List<AuditFact> auditFacts(String target, String action) {
        return audit.values().stream().map(EventEnvelope::data)
                .filter(AuditFact.class::isInstance).map(AuditFact.class::cast)
                .filter(f -> target.equals(f.target()) && action.equals(f.action())).toList();
    }

    private static List<String> types(String subject) {
        return events.valuesFor(subject).stream().map(EventEnvelope::type).toList();
    }

    private static String enrolment(String hostname, String labelsJson) {
        return """
                {"hostname": "%s", "capacity": {"cpuMillis": 4000, "memoryMiB": 8192, "gpus": 0, "diskMiB": 100000},
                 "labels": %s, "gpus": [], "agentVersion": "test",
                 "apiUrl": "http://127.0.0.1:8091"}""".formatted(hostname, labelsJson);
    }
}
