package dev.holon.worker;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.support.kafka.EnvelopeDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real worker (the application as {@code main} starts it) against a real Kafka broker (KRaft, in-process) and
 * a stand-in for the registry's node API. Credentials are off ({@code holon.worker.credentials.enabled=false}):
 * there is no shared embedded Keycloak yet, and a fake token issuer would hide the bugs users meet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeWorkerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedKafkaKraftBroker kafka;
    private static RegistryStandIn registry;
    private static Path dataDir;
    private static ConfigurableApplicationContext worker;
    private static KafkaConsumer<String, EventEnvelope<Object>> heartbeats;
    private static final List<ConsumerRecord<String, EventEnvelope<Object>>> received = new ArrayList<>();

    @BeforeAll
    static void startWorker() throws IOException {
        kafka = new EmbeddedKafkaKraftBroker(1, 1, Topics.NODE_HEARTBEATS);
        kafka.afterPropertiesSet();
        registry = new RegistryStandIn();
        dataDir = Files.createTempDirectory("node-worker-it");
        worker = new SpringApplicationBuilder(NodeWorkerApplication.class).run(
                "--spring.cloud.config.enabled=false",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--holon.worker.registry-url=" + registry.url(),
                "--holon.worker.data-dir=" + dataDir,
                "--holon.worker.labels=zone=a,rack=r1",
                "--holon.worker.heartbeat-interval=PT0.2S",
                "--holon.worker.registration-check-interval=PT0.3S",
                "--holon.worker.enrolment-backoff.initial=PT0.1S",
                "--holon.worker.enrolment-backoff.max=PT0.4S",
                "--holon.worker.credentials.enabled=false");
        heartbeats = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "node-worker-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EnvelopeDeserializer());
        heartbeats.assign(List.of(new TopicPartition(Topics.NODE_HEARTBEATS, 0)));
    }

    @AfterAll
    static void stopAll() throws IOException {
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
    }

    @Test
    @Order(1)
    void enrolsWithItsStableIdCapacityAndLabels() throws IOException {
        String nodeId = nodeId();

        await().atMost(PATIENCE).until(() -> !registry.enrolments().isEmpty());

        RegistryStandIn.Request enrolment = registry.enrolments().getFirst();
        assertThat(enrolment.path()).isEqualTo("/api/v1/nodes/" + nodeId);
        assertThat(enrolment.authorization()).as("credentials are off in this test").isNull();
        JsonNode body = enrolment.body();
        assertThat(body.path("capacity").path("cpuMillis").asLong()).isPositive();
        assertThat(body.path("capacity").path("cpuMillis").asLong() % 1000).isZero();
        assertThat(body.path("capacity").path("memoryMiB").asLong()).isPositive();
        assertThat(body.path("capacity").path("diskMiB").asLong()).isPositive();
        assertThat(body.path("labels").path("zone").asString()).isEqualTo("a");
        assertThat(body.path("labels").path("rack").asString()).isEqualTo("r1");
        assertThat(body.path("hostname").asString()).isNotBlank();
        assertThat(body.path("agentVersion").asString()).isNotBlank();
        assertThat(body.path("gpus").isArray()).isTrue();
        assertThat(body.path("capacity").path("gpus").asInt()).isEqualTo(body.path("gpus").size());
    }

    @Test
    @Order(2)
    void heartbeatsWithIncreasingSequenceKeyedByNodeId() throws IOException {
        String nodeId = nodeId();

        await().atMost(PATIENCE).until(() -> poll().size() >= 5);

        List<NodeHeartbeat> beats = new ArrayList<>();
        for (ConsumerRecord<String, EventEnvelope<Object>> record : received) {
            assertThat(record.key()).isEqualTo(nodeId);
            assertThat(record.value().type()).isEqualTo("holon.node.NodeHeartbeat");
            assertThat(record.value().subject()).isEqualTo(nodeId);
            assertThat(record.value().source()).isEqualTo("node-worker/" + nodeId);
            assertThat(record.value().data()).isInstanceOf(NodeHeartbeat.class);
            beats.add((NodeHeartbeat) record.value().data());
        }
        assertThat(beats).extracting(NodeHeartbeat::sequence).isSorted().doesNotHaveDuplicates();
        NodeHeartbeat last = beats.getLast();
        assertThat(last.nodeId()).isEqualTo(nodeId);
        assertThat(last.capacity().cpuMillis()).isPositive();
        assertThat(last.usage().cpuLoad()).isBetween(0.0, 1.0);
        assertThat(last.usage().memoryAvailableMiB()).isPositive();
        assertThat(last.usage().diskFreeMiB()).isPositive();
        assertThat(last.labels()).containsEntry("zone", "a").containsEntry("rack", "r1");
        assertThat(last.sentAt()).isNotNull();
    }

    @Test
    @Order(3)
    void servesHealthInfoAndPrometheusOpenlyAndDeniesEverythingElse() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> health = get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode json = JSON.readTree(health.body());
            assertThat(json.path("status").asString()).isEqualTo("UP");
            assertThat(json.path("components").path("enrolment").path("status").asString()).isEqualTo("UP");
        });
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/info").statusCode()).isEqualTo(200);
        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("holon_worker_heartbeats_total");
        assertThat(get("/actuator/env").statusCode()).isIn(401, 403);
        assertThat(get("/api/v1/tasks").statusCode()).isIn(401, 403);
    }

    @Test
    @Order(4)
    void enrolsAgainWhenTheRegistryForgetsTheNode() throws IOException {
        String nodeId = nodeId();
        int before = registry.enrolments().size();

        registry.forgetAllNodes();

        await().atMost(PATIENCE).until(() -> registry.enrolments().size() > before);
        assertThat(registry.requests()).anySatisfy(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.path()).isEqualTo("/api/v1/nodes/" + nodeId);
        });
        assertThat(registry.enrolments().getLast().path()).isEqualTo("/api/v1/nodes/" + nodeId);
        assertThat(nodeId()).as("the id survives re-enrolment").isEqualTo(nodeId);
    }

    @Test
    @Order(5)
    void isDownAndRetriesWhileTheRegistryRefusesThenRecovers() throws Exception {
        registry.refuseEnrolmentsWith(503);
        int before = registry.enrolments().size();
        registry.forgetAllNodes();

        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> health = get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode enrolment = JSON.readTree(health.body()).path("components").path("enrolment");
            assertThat(enrolment.path("status").asString()).isEqualTo("DOWN");
            assertThat(enrolment.path("details").path("lastProblem").asString()).contains("503");
        });
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
        assertThat(get("/actuator/health/liveness").statusCode()).as("not enrolled is not dead").isEqualTo(200);
        await().atMost(PATIENCE).until(() -> registry.enrolments().size() >= before + 3);

        registry.refuseEnrolmentsWith(0);

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(JSON.readTree(get("/actuator/health").body()).path("status").asString()).isEqualTo("UP"));
        int count = poll().size();
        await().atMost(PATIENCE).until(() -> poll().size() > count);
    }

    private static String nodeId() throws IOException {
        String id = Files.readString(dataDir.resolve("node-id")).strip();
        assertThat(UUID.fromString(id).version()).isEqualTo(7);
        return id;
    }

    private static List<ConsumerRecord<String, EventEnvelope<Object>>> poll() {
        heartbeats.poll(Duration.ofMillis(200)).forEach(received::add);
        return received;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        int port = Integer.parseInt(worker.getEnvironment().getRequiredProperty("local.server.port"));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
