package dev.holon.systemtests;

import dev.holon.contracts.Topics;
import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.systemtests.ClusterApi.Response;
import dev.holon.testsupport.TopicRecorder;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Holon as a user meets it: the whole cluster started the way {@code ./holon up} starts it (real PostgreSQL,
 * Kafka, Keycloak, every service and 3 workers as separate processes), used only through the gateway and Kafka.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSystemIT {

    static LocalCluster cluster;
    static String userToken;
    static TopicRecorder<EventEnvelope<Object>> nodeEvents;

    @BeforeAll
    static void startCluster() {
        // fresh: the last test removes a node for good
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster", 18080).build());
        userToken = cluster.accessToken("demo", "holon-demo");
        nodeEvents = new TopicRecorder<>(cluster.kafkaBootstrapServers(), Topics.NODE_EVENTS, new EnvelopeDeserializer());
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (nodeEvents != null) {
            nodeEvents.close();
        }
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void threeWorkersAreUpWithTheirRealCapacity() {
        JsonNode nodes = await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/nodes?state=UP", userToken).json(),
                page -> page.path("items").size() == 3);
        for (JsonNode node : nodes.path("items")) {
            assertThat(node.path("capacity").path("cpuMillis").asLong()).isGreaterThan(0);
            assertThat(node.path("capacity").path("memoryMiB").asLong()).isGreaterThan(0);
            assertThat(node.path("usage").path("memoryAvailableMiB").asLong()).isGreaterThan(0);
        }
        assertThat(nodes.path("items").valueStream().map(n -> n.path("labels").path("zone").asString()))
                .containsExactlyInAnyOrder("a", "b", "c");
        JsonNode totals = get("/api/v1/cluster", userToken).json();
        assertThat(totals.path("nodesByState").path("UP").asInt()).isEqualTo(3);
        assertThat(totals.path("total").path("cpuMillis").asLong()).isEqualTo(3 * nodes.path("items").get(0).path("capacity").path("cpuMillis").asLong());
    }

    @Test
    @Order(2)
    void aKilledWorkerIsDownWithinFiveSecondsAndComesBackUnderItsOwnId() {
        String nodeId = nodeIdOfZone("b");
        Instant killedAt = Instant.now();
        cluster.process("node-2").kill9();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> "DOWN".equals(get("/api/v1/nodes/" + nodeId, userToken).json().path("state").asString()));
        System.out.printf("node-2 killed with SIGKILL: DOWN through the API after %d ms%n",
                Duration.between(killedAt, Instant.now()).toMillis());
        await().atMost(Duration.ofSeconds(10)).until(() -> types(nodeId).contains("holon.node.NodeDown"));

        cluster.restart("node-2");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> "UP".equals(get("/api/v1/nodes/" + nodeId, userToken).json().path("state").asString()));
        assertThat(get("/api/v1/nodes?state=UP", userToken).json().path("items").size()).isEqualTo(3);
        assertThat(nodeIdOfZone("b")).isEqualTo(nodeId);
    }

    @Test
    @Order(3)
    void mistakesGetClearProblemsThroughTheGateway() {
        String nodeId = nodeIdOfZone("a");
        assertProblem(get("/api/v1/nodes", null), 401, "/problems/unauthorized");
        assertProblem(send("POST", "/api/v1/nodes/" + nodeId + "/cordon", userToken, null), 403, "/problems/forbidden");
        assertProblem(get("/api/v1/nodes/" + UUID.randomUUID(), userToken), 404, "/problems/not-found");
        String operator = cluster.accessToken("operator", "holon-operator");
        assertProblem(send("PATCH", "/api/v1/nodes/" + nodeId, operator, "{\"labels\": "), 400, "/problems/validation");

        Response cordoned = send("POST", "/api/v1/nodes/" + nodeId + "/cordon", operator, null);
        assertThat(cordoned.status()).isEqualTo(200);
        assertThat(cordoned.json().path("cordoned").asBoolean()).isTrue();
        assertThat(send("POST", "/api/v1/nodes/" + nodeId + "/uncordon", operator, null).json().path("cordoned").asBoolean()).isFalse();
    }

    @Test
    @Order(4)
    void everyWorkerEnrolledAsItsOwnClientWhichDiesWithTheNode() throws Exception {
        String operator = cluster.accessToken("operator", "holon-operator");
        List<String> nodeIds = new ArrayList<>();
        get("/api/v1/nodes", userToken).json().path("items").forEach(n -> nodeIds.add(n.path("id").asString()));
        List<String> enrolled = new ArrayList<>();
        get("/api/v1/tokens/enrolments/nodes", operator).json().path("items")
                .forEach(n -> enrolled.add(n.path("nodeName").asString()));
        assertThat(enrolled).containsExactlyInAnyOrderElementsOf(nodeIds);
        assertThat(get("/api/v1/tokens/enrolments", operator).json().path("items"))
                .allSatisfy(t -> assertThat(t.path("state").asString()).as("holon up revokes the workers' token")
                        .isNotEqualTo("active"));

        // node-1's own credentials: readable by the worker's user only, and good for node-1 alone
        Path kept = cluster.process("node-1").dataDirectory().resolve("node-credentials");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        Properties credentials = keptCredentials("node-1");
        String node1 = nodeIdOfZone("a");
        String node3 = nodeIdOfZone("c");
        assertThat(credentials.getProperty("client-id")).isEqualTo("holon-node-" + node1);
        String node1Token = cluster.clientCredentialsToken(credentials.getProperty("client-id"),
                credentials.getProperty("client-secret"));
        assertThat(ClusterApi.send("GET", cluster.schedulerUrls().getFirst() + "/api/v1/assignments?nodeId=" + node1,
                node1Token, null).status()).isEqualTo(200);
        assertProblem(ClusterApi.send("GET", cluster.schedulerUrls().getFirst() + "/api/v1/assignments?nodeId=" + node3,
                node1Token, null), 403, "/problems/forbidden");
        assertProblem(ClusterApi.send("PUT", cluster.registryUrl() + "/api/v1/nodes/" + node3, node1Token,
                "{\"hostname\":\"impostor\",\"capacity\":{\"cpuMillis\":1000,\"memoryMiB\":1024,\"gpus\":0,\"diskMiB\":1000}}"),
                403, "/problems/forbidden");

        // an operator removes node-3: its client goes with it
        Properties node3Credentials = keptCredentials("node-3");
        assertThat(send("DELETE", "/api/v1/nodes/" + node3, operator, null).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/v1/tokens/enrolments/nodes", operator).json()
                .path("items").valueStream().noneMatch(n -> n.path("nodeName").asString().equals(node3)));
        assertThatThrownBy(() -> cluster.clientCredentialsToken(node3Credentials.getProperty("client-id"),
                node3Credentials.getProperty("client-secret"))).hasMessageContaining("401");
        String admin = cluster.accessToken(LocalCluster.ADMIN_USER, LocalCluster.ADMIN_PASSWORD);
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/audit?action=node.unenrolled", admin).json()
                .path("items").valueStream().anyMatch(e -> e.path("target").asString().equals(node3)));
    }

    /** The client a worker got at enrolment, as it keeps it in its data directory. */
    private static Properties keptCredentials(String worker) throws IOException {
        Properties credentials = new Properties();
        credentials.load(new StringReader(Files.readString(
                cluster.process(worker).dataDirectory().resolve("node-credentials"))));
        return credentials;
    }

    private static String nodeIdOfZone(String zone) {
        List<String> ids = new ArrayList<>();
        get("/api/v1/nodes?label=zone=" + zone, userToken).json().path("items").forEach(n -> ids.add(n.path("id").asString()));
        assertThat(ids).hasSize(1);
        return ids.getFirst();
    }

    private static void assertProblem(Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo(type);
    }

    private static Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    private static Response send(String method, String path, String token, String body) {
        return ClusterApi.send(method, cluster.gatewayUrl() + path, token, body);
    }

    private static List<String> types(String subject) {
        return nodeEvents.valuesFor(subject).stream().map(EventEnvelope::type).toList();
    }
}
