package dev.holon.worker;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.worker.execution.Isolation;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.TestInfrastructure;
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
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real worker (the application as {@code main} starts it) against a real Kafka broker (KRaft, in-process),
 * the real Keycloak of {@code test-support} (holon realm, client {@code holon-node}) and a stand-in for the
 * registry's node API that checks the node's tokens against that Keycloak.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeWorkerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KeycloakServer keycloak;
    private static NimbusJwtDecoder tokenDecoder;
    private static EmbeddedKafkaKraftBroker kafka;
    private static RegistryStandIn registry;
    private static SchedulerStandIn scheduler;
    private static KafkaConsumer<String, EventEnvelope<Object>> taskEvents;
    private static final List<TaskEvent> reported = new CopyOnWriteArrayList<>();
    private static Path dataDir;
    private static ConfigurableApplicationContext worker;
    private static KafkaConsumer<String, EventEnvelope<Object>> heartbeats;
    private static final List<ConsumerRecord<String, EventEnvelope<Object>>> received = new ArrayList<>();

    @BeforeAll
    static void startWorker() throws IOException {
        keycloak = TestInfrastructure.keycloak();
        tokenDecoder = NimbusJwtDecoder.withJwkSetUri(keycloak.issuerUri() + "/protocol/openid-connect/certs").build();
        tokenDecoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(keycloak.issuerUri()));
        kafka = new EmbeddedKafkaKraftBroker(1, 1, Topics.NODE_HEARTBEATS, Topics.TASK_ASSIGNMENTS,
                Topics.TASK_EVENTS);
        kafka.afterPropertiesSet();
        registry = new RegistryStandIn(tokenDecoder);
        scheduler = new SchedulerStandIn(tokenDecoder);
        dataDir = Files.createTempDirectory("node-worker-it");
        worker = new SpringApplicationBuilder(NodeWorkerApplication.class).run(
                "--spring.cloud.config.enabled=false",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + keycloak.issuerUri(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + keycloak.issuerUri() + "/protocol/openid-connect/certs",
                "--holon.worker.registry-url=" + registry.url(),
                // The first replica is down: the worker must go on to the next one.
                "--holon.worker.scheduler-urls=" + unusedPortUrl() + "," + scheduler.url(),
                "--holon.worker.tasks.reconcile-interval=PT0.3S",
                "--holon.worker.tasks.kill-grace=PT1S",
                "--holon.worker.resilience.scheduler.wait-in-open-state=PT0.5S",
                "--holon.worker.data-dir=" + dataDir,
                "--holon.worker.chunks.token-secret=node-worker-it-chunk-token-secret-0123456789",
                "--holon.worker.labels=zone=a,rack=r1",
                "--holon.worker.heartbeat-interval=PT0.2S",
                "--holon.worker.registration-check-interval=PT0.3S",
                "--holon.worker.enrolment-backoff.initial=PT0.1S",
                "--holon.worker.enrolment-backoff.max=PT0.4S",
                "--holon.worker.credentials.token-uri=" + keycloak.issuerUri() + "/protocol/openid-connect/token",
                "--holon.worker.credentials.client-id=" + KeycloakTokens.NODE_CLIENT,
                "--holon.worker.credentials.client-secret=" + KeycloakTokens.NODE_SECRET);
        heartbeats = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "node-worker-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EnvelopeDeserializer());
        heartbeats.assign(List.of(new TopicPartition(Topics.NODE_HEARTBEATS, 0)));
        taskEvents = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "node-worker-it-tasks",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EnvelopeDeserializer());
        taskEvents.assign(List.of(new TopicPartition(Topics.TASK_EVENTS, 0)));
    }

    @AfterAll
    static void stopAll() {
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (taskEvents != null) {
            taskEvents.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (kafka != null) {
            kafka.destroy();
        }
        // Keycloak and its database are shared by the JVM and stop with it (test-support).
    }

    @Test
    @Order(1)
    void enrolsWithItsStableIdCapacityLabelsAndANodeToken() throws IOException {
        String nodeId = nodeId();

        await().atMost(PATIENCE).until(() -> !registry.enrolments().isEmpty());

        RegistryStandIn.Request enrolment = registry.enrolments().getFirst();
        assertThat(enrolment.path()).isEqualTo("/api/v1/nodes/" + nodeId);
        assertThat(enrolment.status()).isEqualTo(201);
        Jwt token = tokenDecoder.decode(enrolment.token());
        assertThat(token.getClaimAsString("azp")).isEqualTo(KeycloakTokens.NODE_CLIENT);
        assertThat(token.getClaimAsMap("realm_access")).extractingByKey("roles").asList().contains("node");
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
            assertThat(record.value().source()).startsWith("/node-worker/");
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
    void servesHealthInfoAndPrometheusOpenlyAndEverythingElseOnlyWithAToken() throws Exception {
        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> health = get("/actuator/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode json = JSON.readTree(health.body());
            assertThat(json.path("status").asString()).isEqualTo("UP");
            assertThat(json.path("components").path("enrolment").path("status").asString()).isEqualTo("UP");
        });
        assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        HttpResponse<String> info = get("/actuator/info", null);
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(info.body()).path("node").path("id").asString()).isEqualTo(nodeId());
        HttpResponse<String> prometheus = get("/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("holon_worker_heartbeats_total");

        HttpResponse<String> anonymous = get("/api/v1/tasks", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(get("/actuator/env", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/tasks", "not-a-jwt").statusCode()).isEqualTo(401);
        String token = TestInfrastructure.tokens().node();
        assertThat(get("/api/v1/tasks", token).statusCode()).as("authenticated, nothing there yet").isEqualTo(404);
        assertThat(JSON.readTree(get("/actuator/health", null).body()).path("components").path("enrolment")
                .has("details")).as("details only with a token").isFalse();
        assertThat(JSON.readTree(get("/actuator/health", token).body()).path("components").path("enrolment")
                .path("details").path("nodeId").asString()).isEqualTo(nodeId());
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
            assertThat(request.status()).isEqualTo(404);
        });
        assertThat(registry.enrolments().getLast().path()).isEqualTo("/api/v1/nodes/" + nodeId);
        assertThat(registry.enrolments().getLast().status()).isEqualTo(201);
        assertThat(nodeId()).as("the id survives re-enrolment").isEqualTo(nodeId);
    }

    @Test
    @Order(5)
    void fetchesAFreshTokenWhenTheRegistryRejectsTheCachedOne() {
        String cached = registry.enrolments().getLast().token();
        int before = registry.enrolments().size();

        registry.rejectToken(cached);
        registry.forgetAllNodes();

        await().atMost(PATIENCE).until(() -> registry.enrolments().size() > before);
        String fresh = registry.enrolments().getLast().token();
        assertThat(fresh).isNotEqualTo(cached);
        assertThat(tokenDecoder.decode(fresh).getClaimAsString("azp")).isEqualTo(KeycloakTokens.NODE_CLIENT);
        assertThat(registry.requests()).anySatisfy(request -> {
            assertThat(request.token()).isEqualTo(cached);
            assertThat(request.status()).isEqualTo(401);
        });
    }

    @Test
    @Order(6)
    void isDownAndRetriesWhileTheRegistryRefusesThenRecovers() throws Exception {
        String token = TestInfrastructure.tokens().node();
        registry.refuseEnrolmentsWith(503);
        int attempts = registry.attemptedEnrolments().size();
        registry.forgetAllNodes();

        await().atMost(PATIENCE).untilAsserted(() -> {
            HttpResponse<String> health = get("/actuator/health", token);
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode enrolment = JSON.readTree(health.body()).path("components").path("enrolment");
            assertThat(enrolment.path("status").asString()).isEqualTo("DOWN");
            assertThat(enrolment.path("details").path("lastProblem").asString()).contains("503");
        });
        assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(503);
        assertThat(get("/actuator/health/liveness", null).statusCode()).as("not enrolled is not dead").isEqualTo(200);
        await().atMost(PATIENCE).until(() -> registry.attemptedEnrolments().size() >= attempts + 3);

        registry.refuseEnrolmentsWith(0);

        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(JSON.readTree(get("/actuator/health", null).body()).path("status").asString()).isEqualTo("UP"));
        int count = poll().size();
        await().atMost(PATIENCE).until(() -> poll().size() > count);
    }

    @Test
    @Order(7)
    void runsAnAttemptItOnlyLearnsOfFromTheDesiredStateAndReportsItsEndAgainWhileListed() throws Exception {
        String nodeId = nodeId();
        AssignTask missed = assignment("att-desired-1", "exit 7");

        scheduler.desire(missed);

        TaskEvent.TaskExited exited = awaitExit("att-desired-1");
        assertThat(exited.exitCode()).as("its own exit status: it really ran").isEqualTo(7);
        assertThat(exited.nodeId()).isEqualTo(nodeId);
        assertThat(exited.jobId()).isEqualTo(missed.jobId());
        assertThat(reportsOf("att-desired-1")).first().isInstanceOf(TaskEvent.TaskStarted.class);
        assertThat(scheduler.polls()).allSatisfy(poll -> assertThat(poll.nodeId()).isEqualTo(nodeId))
                .anySatisfy(poll -> assertThat(poll.status()).isEqualTo(200));
        // While the scheduler keeps listing it (its first report may have been lost), the end is reported again.
        await().atMost(PATIENCE).until(() -> reportsOf("att-desired-1").stream()
                .filter(TaskEvent.TaskExited.class::isInstance).count() >= 2);
        assertThat(reportsOf("att-desired-1")).filteredOn(TaskEvent.TaskExited.class::isInstance)
                .allSatisfy(again -> assertThat(again).isEqualTo(exited));
        assertThat(reportsOf("att-desired-1")).filteredOn(TaskEvent.TaskStarted.class::isInstance)
                .as("started once, however often it is listed").hasSize(1);
        scheduler.desire();
    }

    @Test
    @Order(8)
    void stopsAnAttemptOnlyAfterTwoAnswersNoLongerListItAndNotWhileTheSchedulerIsDown() throws Exception {
        scheduler.desire(assignment("att-desired-2", "sleep 300"));
        await().atMost(PATIENCE).until(() -> reportsOf("att-desired-2").stream()
                .anyMatch(TaskEvent.TaskStarted.class::isInstance));

        // One answer without it, then the scheduler is down: one miss is no reason to stop anything.
        scheduler.goDownAfter(1);
        scheduler.desire();
        int before = scheduler.polls().size();
        await().atMost(PATIENCE).until(() -> scheduler.polls().stream().skip(before)
                .filter(poll -> poll.status() == 503).count() >= 5);
        assertThat(scheduler.polls().stream().skip(before).filter(poll -> poll.status() == 200).toList())
                .singleElement().satisfies(poll -> assertThat(poll.listed()).isEmpty());
        assertThat(reportsOf("att-desired-2")).noneMatch(TaskEvent.TaskExited.class::isInstance);

        scheduler.recover();

        TaskEvent.TaskExited exited = awaitExit("att-desired-2");
        assertThat(exited.reason()).isEqualTo("no longer assigned to this node");
        assertThat(exited.exitCode()).isNotZero();
    }

    @Test
    @Order(10)
    void reportsWhatAnAttemptUsedWhereItsSandboxCanMeasureIt() throws Exception {
        Isolation isolation = worker.getBean(TaskRunner.class).isolation();
        scheduler.desire(assignment("att-usage-1",
                "python3 -c 'b = bytearray(16 * 1024 * 1024); sum(range(3000000))'"));

        TaskEvent.TaskExited exited = awaitExit("att-usage-1");
        System.out.printf("usage reported with %s: %s ms CPU, %s bytes peak memory%n", isolation,
                exited.cpuMillisUsed(), exited.peakMemoryBytes());
        assertThat(exited.exitCode()).as(exited.reason()).isZero();
        if (isolation.memoryByCgroup()) {
            assertThat(exited.peakMemoryBytes()).isGreaterThan(16L * 1024 * 1024);
        } else {
            assertThat(exited.peakMemoryBytes()).as("not measurable here: unknown, not 0").isNull();
        }
        if (isolation.cpu() != Isolation.CpuLimit.NONE) {
            assertThat(exited.cpuMillisUsed()).isPositive();
        } else {
            assertThat(exited.cpuMillisUsed()).isNull();
        }
        scheduler.desire();
    }

    private static AssignTask assignment(String attemptId, String script) throws IOException {
        return new AssignTask("task-" + attemptId, attemptId, "job-it", 0, 1, nodeId(), SchedulerStandIn.FENCING_TOKEN,
                List.of("sh", "-c", script), Map.of(), 100, 64, 0, 0, "default", List.of(), null);
    }

    private static TaskEvent.TaskExited awaitExit(String attemptId) {
        await().atMost(PATIENCE).until(() -> reportsOf(attemptId).stream()
                .anyMatch(TaskEvent.TaskExited.class::isInstance));
        return reportsOf(attemptId).stream().filter(TaskEvent.TaskExited.class::isInstance)
                .map(TaskEvent.TaskExited.class::cast).findFirst().orElseThrow();
    }

    private static List<TaskEvent> reportsOf(String attemptId) {
        taskEvents.poll(Duration.ofMillis(200)).forEach(record -> reported.add((TaskEvent) record.value().data()));
        return reported.stream().filter(event -> event.attemptId().equals(attemptId)).toList();
    }

    /** A URL where nothing listens (a scheduler replica that is down). */
    private static String unusedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    @Order(9)
    void servesAnAttemptsLogWholeTailedAndFollowedLiveWithProblemsForBadRequests() throws Exception {
        String token = TestInfrastructure.tokens().demo();
        Path attempt = Files.createDirectories(dataDir.resolve("tasks").resolve("log-attempt-1"));
        Path stdout = attempt.resolve("stdout.log");
        Files.writeString(stdout, "one\ntwo\n");
        Files.writeString(attempt.resolve("stderr.log"), "oops\n");
        String logs = "/api/v1/tasks/log-attempt-1/logs";

        assertThat(get(logs, token).body()).isEqualTo("one\ntwo\n");
        assertThat(get(logs + "?stream=stderr", token).body()).isEqualTo("oops\n");
        assertThat(get(logs + "?tail=1", token).body()).isEqualTo("two\n");
        assertProblem(get("/api/v1/tasks/no-such-attempt/logs", token), 404);
        assertProblem(get(logs + "?stream=stdin", token), 400);
        assertProblem(get(logs + "?tail=-1", token), 400);
        assertProblem(get(logs + "?follow=true&tail=-1", token), 400);
        assertProblem(get("/api/v1/tasks/no-such-attempt/logs?follow=true", token), 404);

        // a live follow: lines arrive while the attempt still runs, then the end event once it has ended
        HttpRequest follow = HttpRequest.newBuilder(URI.create(workerUrl() + logs + "?follow=true"))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<java.util.stream.Stream<String>> live = HTTP.send(follow, HttpResponse.BodyHandlers.ofLines());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        java.util.Iterator<String> lines = live.body().iterator();
        List<String> seen = new ArrayList<>();
        while (seen.stream().noneMatch(l -> l.equals("data:two"))) {
            seen.add(lines.next());
        }
        Files.writeString(stdout, "three\n", java.nio.file.StandardOpenOption.APPEND);
        while (seen.stream().noneMatch(l -> l.equals("data:three"))) {
            seen.add(lines.next());
        }
        assertThat(seen).as("three arrived before the attempt ended").contains("id:14");
        Files.writeString(attempt.resolve("exit"), "0\n");
        lines.forEachRemaining(seen::add);
        assertThat(String.join("\n", seen)).isEqualTo("""
                id:4
                data:one

                id:8
                data:two

                id:14
                data:three

                event:end
                id:14
                data:end
                """);

        // resuming after the first line, by Last-Event-ID or offset, with Accept instead of follow=true
        HttpResponse<String> resumed = HTTP.send(HttpRequest.newBuilder(URI.create(workerUrl() + logs))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Last-Event-ID", "4").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resumed.body()).startsWith("id:8\ndata:two\n\nid:14\ndata:three\n\nevent:end");
        assertThat(get(logs + "?follow=true&offset=8", token).body()).startsWith("id:14\ndata:three\n\nevent:end");
        assertThat(get(logs + "?follow=true&tail=1", token).body()).startsWith("id:14\ndata:three\n\nevent:end");
    }

    private static void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(status);
    }

    private static String workerUrl() {
        return "http://127.0.0.1:" + worker.getEnvironment().getRequiredProperty("local.server.port");
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

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        int port = Integer.parseInt(worker.getEnvironment().getRequiredProperty("local.server.port"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
