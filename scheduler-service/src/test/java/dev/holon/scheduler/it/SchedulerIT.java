package dev.holon.scheduler.it;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.scheduler.scheduling.LeaderElection;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler against real PostgreSQL, Kafka and Keycloak, with the registry stubbed as an HTTP peer. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S",
        "holon.scheduler.placement-interval=PT0.1S", "holon.scheduler.node-view-refresh=PT0.3S",
        "holon.scheduler.leader-retry=PT0.5S"})
class SchedulerIT {

    static final RegistryStub REGISTRY = new RegistryStub();
    static final String NODE_A = Ids.newId(), NODE_B = Ids.newId(), NODE_C = Ids.newId();
    static final Envelopes ENVELOPES = new Envelopes("/it/worker", Clock.systemUTC());

    static KeycloakTokens tokens;
    static TopicRecorder<EventEnvelope<Object>> assignments;
    static KafkaProducer<String, EventEnvelope<?>> producer;

    @LocalServerPort
    int port;

    @Autowired
    LeaderElection leadership;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerAll(registry, "scheduler");
        registry.add("holon.scheduler.registry-url", REGISTRY::url);
    }

    @BeforeAll
    static void start() {
        for (String node : List.of(NODE_A, NODE_B, NODE_C)) {
            REGISTRY.node(node, NodeState.UP);
        }
        tokens = TestInfrastructure.tokens();
        assignments = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.TASK_ASSIGNMENTS,
                new EnvelopeDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new EnvelopeSerializer());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        assignments.close();
        producer.close();
        REGISTRY.close();
    }

    @Test
    void placesAnArrayAcrossNodesRunsItToSuccessAndReschedulesTheTasksOfADownNode() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", user, job("array", 6, 0, "SPREAD"));
        assertThat(submitted.status()).isEqualTo(201);
        String jobId = submitted.json().path("id").asString();
        assertThat(submitted.header("Location")).isEqualTo("/api/v1/jobs/" + jobId);
        assertThat(submitted.json().path("tasks")).hasSize(6);

        await().atMost(Duration.ofSeconds(20)).until(() -> tasks(api, jobId, user).stream()
                .allMatch(t -> t.path("state").asString().equals("SCHEDULED")));
        Map<String, Integer> perNode = new HashMap<>();
        tasks(api, jobId, user).forEach(t -> perNode.merge(t.path("nodeId").asString(), 1, Integer::sum));
        assertThat(perNode).containsOnlyKeys(NODE_A, NODE_B, NODE_C).allSatisfy((node, n) -> assertThat(n).isEqualTo(2));
        assertThat(api.get("/api/v1/jobs/" + jobId, user).json().path("state").asString()).isEqualTo("RUNNING");

        // every placed task was assigned to its node, fenced by the current leader epoch
        assertThat(leadership.isLeader()).isTrue();
        long epoch = leadership.epoch();
        assertThat(epoch).isPositive();
        for (String node : List.of(NODE_A, NODE_B, NODE_C)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> assigned(jobId, node).size() == 2);
            assertThat(assigned(jobId, node)).allSatisfy(a -> {
                assertThat(a.nodeId()).isEqualTo(node);
                assertThat(a.fencingToken()).isEqualTo(epoch);
                assertThat(a.command()).containsExactly("echo", "hello");
            });
        }

        // node C goes down: its two tasks are LOST and their new attempts run on A and B
        List<JsonNode> onC = tasks(api, jobId, user).stream().filter(t -> t.path("nodeId").asString().equals(NODE_C)).toList();
        REGISTRY.node(NODE_C, NodeState.DOWN);
        await().pollDelay(Duration.ofMillis(800)).until(() -> true); // the leader re-reads the registry meanwhile
        publish(Topics.NODE_EVENTS, NODE_C, new NodeEvent.NodeDown(NODE_C, Instant.now()));
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks(api, jobId, user).stream()
                .allMatch(t -> t.path("state").asString().equals("SCHEDULED") && !t.path("nodeId").asString().equals(NODE_C)));
        for (JsonNode lost : onC) {
            JsonNode now = task(api, jobId, user, lost.path("index").asInt());
            assertThat(now.path("attempt").asInt()).isEqualTo(2);
            assertThat(now.path("attemptId").asString()).isNotEqualTo(lost.path("attemptId").asString());
        }

        // a late report about a lost attempt changes nothing
        JsonNode firstLost = onC.getFirst();
        publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, firstLost.path("id").asString(),
                firstLost.path("attemptId").asString(), NODE_C, 137, "killed", Instant.now()));

        // the workers report: RUNNING, then SUCCEEDED, and the job with them
        for (JsonNode t : tasks(api, jobId, user)) {
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskStarted(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), t.path("nodeId").asString(), Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks(api, jobId, user).stream()
                .allMatch(t -> t.path("state").asString().equals("RUNNING") && !t.path("startedAt").isNull()));
        for (JsonNode t : tasks(api, jobId, user)) {
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), t.path("nodeId").asString(), 0, null, Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/jobs/" + jobId, user).json().path("state").asString().equals("SUCCEEDED"));
        assertThat(tasks(api, jobId, user)).allSatisfy(t -> {
            assertThat(t.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(t.path("exitCode").asInt()).isZero();
        });
    }

    @Test
    void aJobNoNodeCanHoldStaysPendingWithTheReasonAndCanBeCancelled() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", user, job("gpu-hungry", 1, 64, "BINPACK"));
        assertThat(submitted.status()).isEqualTo(201);
        String jobId = submitted.json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !api.get("/api/v1/jobs/" + jobId, user).json().path("pendingReason").isNull());
        JsonNode job = api.get("/api/v1/jobs/" + jobId, user).json();
        assertThat(job.path("state").asString()).isEqualTo("PENDING");
        assertThat(job.path("pendingReason").asString()).containsIgnoringCase("GPU");
        assertThat(job.path("tasks").get(0).path("state").asString()).isEqualTo("PENDING");

        ApiClient.Response cancelled = api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(cancelled.json().path("state").asString()).isEqualTo("CANCELLED");
        assertThat(api.get("/api/v1/jobs?state=CANCELLED", user).json().path("items").findValuesAsString("id")).contains(jobId);
    }

    @Test
    void badInputIsAProblemAndCreatesNothing() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        int before = allJobs(api, user).size();
        ApiClient.Response badResources = api.send("POST", "/api/v1/jobs", user,
                job("bad", 2, 0, "SPREAD").replace("\"cpuMillis\": 500", "\"cpuMillis\": 0"));
        assertProblem(badResources, 400, "/problems/validation");
        assertThat(badResources.json().path("errors").findValuesAsString("field")).contains("resources.cpuMillis");
        assertProblem(api.send("POST", "/api/v1/jobs", user, "{not json"), 400, "/problems/validation");
        ApiClient.Response unknown = api.send("POST", "/api/v1/jobs", user, job("bad", 1, 0, "SPREAD").replace("{\"name\"", "{\"colour\": \"red\", \"name\""));
        assertProblem(unknown, 400, "/problems/validation");
        assertThat(unknown.json().path("detail").asString()).contains("colour");
        assertProblem(api.send("POST", "/api/v1/jobs", user, job("bad", 5000, 0, "SPREAD")), 400, "/problems/validation");
        assertProblem(api.send("POST", "/api/v1/jobs", user, job("bad", 1, 0, "SPREAD").replace("[\"echo\", \"hello\"]", "[]")),
                400, "/problems/validation");
        assertProblem(api.send("POST", "/api/v1/jobs", user, job("bad", 1, 0, "DIAGONAL")), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/jobs?limit=0", user), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/jobs/" + Ids.newId(), user), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/jobs", null), 401, "/problems/unauthorized");
        assertThat(allJobs(api, user)).hasSize(before);
    }

    @Test
    void anotherUsersJobIsNotFoundForAPlainUserButVisibleToOperators() {
        ApiClient api = new ApiClient(port);
        String operator = tokens.operator();
        String jobId = api.send("POST", "/api/v1/jobs", operator, job("ops-job", 1, 64, "BINPACK")).json().path("id").asString();
        assertProblem(api.get("/api/v1/jobs/" + jobId, tokens.demo()), 404, "/problems/not-found");
        assertProblem(api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", tokens.demo(), null), 404, "/problems/not-found");
        assertThat(allJobs(api, tokens.demo())).doesNotContain(jobId);
        assertThat(api.get("/api/v1/jobs/" + jobId, operator).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/jobs/" + jobId, tokens.admin()).json().path("owner").asString()).isEqualTo("operator");
        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", operator, null);
    }

    @Test
    void anIdempotencyKeyReplaysTheFirstJobAndRefusesADifferentBody() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String key = Ids.newId();
        String body = job("retried-submit", 1, 64, "BINPACK");
        ApiClient.Response first = api.send("POST", "/api/v1/jobs", user, body, "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(201);
        ApiClient.Response again = api.send("POST", "/api/v1/jobs", user, body, "Idempotency-Key", key);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asString()).isEqualTo(first.json().path("id").asString());
        assertProblem(api.send("POST", "/api/v1/jobs", user, job("retried-submit", 2, 64, "BINPACK"), "Idempotency-Key", key),
                409, "/problems/conflict");
        assertThat(allJobs(api, user).stream().filter(id -> id.equals(first.json().path("id").asString()))).hasSize(1);
        api.send("POST", "/api/v1/jobs/" + first.json().path("id").asString() + "/cancel", user, null);
    }

    private static String job(String name, int count, int gpus, String strategy) {
        return """
                {"name": "%s", "command": ["echo", "hello"], "env": {"GREETING": "hi"},
                 "resources": {"cpuMillis": 500, "memoryMiB": 256, "gpus": %d}, "count": %d,
                 "constraints": ["zone=a"], "strategy": "%s", "maxRetries": 1, "timeoutSeconds": 60, "priority": 0}"""
                .formatted(name, gpus, count, strategy);
    }

    private static void publish(String topic, String key, Object data) {
        producer.send(new ProducerRecord<>(topic, key, ENVELOPES.wrap(key, "default", data)));
        producer.flush();
    }

    private static List<AssignTask> assigned(String jobId, String node) {
        return assignments.valuesFor(node).stream().map(EventEnvelope::data)
                .filter(d -> d instanceof AssignTask a && a.jobId().equals(jobId)).map(d -> (AssignTask) d).toList();
    }

    private static List<JsonNode> tasks(ApiClient api, String jobId, String token) {
        List<JsonNode> tasks = new ArrayList<>();
        api.get("/api/v1/jobs/" + jobId, token).json().path("tasks").forEach(tasks::add);
        return tasks;
    }

    private static JsonNode task(ApiClient api, String jobId, String token, int index) {
        return tasks(api, jobId, token).stream().filter(t -> t.path("index").asInt() == index).findFirst().orElseThrow();
    }

    private static List<String> allJobs(ApiClient api, String token) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/jobs?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), token).json();
            page.path("items").forEach(j -> ids.add(j.path("id").asString()));
            cursor = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asString();
        } while (cursor != null);
        return ids;
    }

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo(type);
    }
}
