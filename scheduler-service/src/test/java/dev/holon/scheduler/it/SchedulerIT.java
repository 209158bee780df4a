package dev.holon.scheduler.it;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.scheduler.scheduling.LeaderElection;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.RegistryStandIn;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TestJwtIssuer;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler against real PostgreSQL, Kafka and Keycloak, with the registry stubbed as an HTTP peer. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S",
        "holon.scheduler.placement-interval=PT0.1S", "holon.scheduler.node-view-refresh=PT0.3S",
        "holon.scheduler.leader-retry=PT0.5S", "holon.scheduler.reconcile-interval=PT0.5S",
        "holon.auth.url="})  // quotas off: an auth-service on its default port must not interfere
class SchedulerIT {

    static final RegistryStandIn REGISTRY = new RegistryStandIn();
    static final String NODE_A = Ids.newId(), NODE_B = Ids.newId(), NODE_C = Ids.newId();
    /** Alone in their zones, so a job constrained to the zone lands there. */
    static final String NODE_D = Ids.newId(), NODE_E = Ids.newId(), NODE_F = Ids.newId();
    /** The two nodes of zone g, for the reconcile pass's DOWN case. */
    static final String NODE_G1 = Ids.newId(), NODE_G2 = Ids.newId();
    /** Zone h: nodes that join while a test runs. */
    static final String NODE_H1 = Ids.newId(), NODE_H2 = Ids.newId();
    static final Envelopes ENVELOPES = new Envelopes("/it/worker", Clock.systemUTC());
    /** auth-service's JWTs for personal access tokens (issuer holon-auth), really signed; its keys served over HTTP. */
    static final TestJwtIssuer AUTH = new TestJwtIssuer(TokenExchange.ISSUER);

    static KeycloakTokens tokens;
    static TopicRecorder<EventEnvelope<Object>> assignments;
    static TopicRecorder<EventEnvelope<Object>> taskEvents;
    static KafkaProducer<String, EventEnvelope<?>> producer;

    @LocalServerPort
    int port;

    @Autowired
    LeaderElection leadership;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerAll(registry, "scheduler");
        registry.add("holon.scheduler.registry-url", REGISTRY::url);
        // no storage-service here (a closed port): submits with inputs must still work, without locality
        registry.add("holon.scheduler.storage.url", () -> "http://127.0.0.1:1");
        registry.add("holon.security.pat-jwks-uri", AUTH::jwksUri);
    }

    @BeforeAll
    static void start() {
        for (String node : List.of(NODE_A, NODE_B, NODE_C)) {
            REGISTRY.node(node, NodeState.UP);
        }
        REGISTRY.node(NODE_D, NodeState.UP, "d", null, false);
        REGISTRY.node(NODE_E, NodeState.UP, "e", null, false);
        REGISTRY.node(NODE_F, NodeState.UP, "f", null, false);
        REGISTRY.node(NODE_G1, NodeState.UP, "g", null, false);
        REGISTRY.node(NODE_G2, NodeState.UP, "g", null, false);
        tokens = TestInfrastructure.tokens();
        assignments = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.TASK_ASSIGNMENTS,
                new EnvelopeDeserializer());
        taskEvents = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.TASK_EVENTS,
                new EnvelopeDeserializer());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new EnvelopeSerializer());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        assignments.close();
        taskEvents.close();
        producer.close();
        REGISTRY.close();
        AUTH.close();
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
            // the history shows the lost attempt and its successor on another node
            JsonNode attempts = now.path("attempts");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).path("attemptId").asString()).isEqualTo(lost.path("attemptId").asString());
            assertThat(attempts.get(0).path("state").asString()).isEqualTo("LOST");
            assertThat(attempts.get(0).path("nodeId").asString()).isEqualTo(NODE_C);
            assertThat(attempts.get(0).path("reason").asString()).isEqualTo("node " + NODE_C + " is DOWN");
            assertThat(attempts.get(1).path("attempt").asInt()).isEqualTo(2);
            assertThat(attempts.get(1).path("state").asString()).isEqualTo("SCHEDULED");
            assertThat(attempts.get(1).path("nodeId").asString()).isIn(NODE_A, NODE_B);
        }

        // a late report about a lost attempt is recorded as not applied and changes nothing
        JsonNode firstLost = onC.getFirst();
        String lostAttempt = firstLost.path("attemptId").asString();
        JsonNode lostBefore = task(api, jobId, user, firstLost.path("index").asInt()).path("attempts").get(0);
        publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, firstLost.path("id").asString(),
                lostAttempt, NODE_C, 137, "killed", Instant.now(), 900L, 64L << 20));
        await().atMost(Duration.ofSeconds(20)).until(() -> !reportsAbout(lostAttempt).isEmpty());
        assertThat(reportsAbout(lostAttempt)).singleElement().satisfies(report -> {
            assertThat(report.get("applied")).isEqualTo(false);
            assertThat(report.get("type")).isEqualTo("holon.task.TaskExited");
        });
        JsonNode lostAfter = task(api, jobId, user, firstLost.path("index").asInt()).path("attempts").get(0);
        assertThat(lostAfter).as("still LOST, without the late exit code or usage").isEqualTo(lostBefore);
        assertThat(lostAfter.path("exitCode").isNull()).isTrue();
        assertThat(lostAfter.path("cpuMillisUsed").isNull()).isTrue();

        // the workers report: RUNNING, then SUCCEEDED, and the job with them
        for (JsonNode t : tasks(api, jobId, user)) {
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskStarted(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), t.path("nodeId").asString(), Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> tasks(api, jobId, user).stream()
                .allMatch(t -> t.path("state").asString().equals("RUNNING") && !t.path("startedAt").isNull()));
        // with what each attempt used, as its worker measured it
        for (JsonNode t : tasks(api, jobId, user)) {
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), t.path("nodeId").asString(), 0, null, Instant.now(),
                    1000L + t.path("index").asInt(), 48L << 20));
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/jobs/" + jobId, user).json().path("state").asString().equals("SUCCEEDED"));
        assertThat(tasks(api, jobId, user)).allSatisfy(t -> {
            assertThat(t.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(t.path("exitCode").asInt()).isZero();
            JsonNode last = t.path("attempts").get(t.path("attempts").size() - 1);
            assertThat(last.path("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(last.path("cpuMillisUsed").asLong()).isEqualTo(1000L + t.path("index").asInt());
            assertThat(last.path("peakMemoryBytes").asLong()).isEqualTo(48L << 20);
        });
    }

    @Test
    void aFailingTaskIsRetriedWithBackoffUntilItsRetriesAreUsedAndItsHistoryCanBeReadAndFollowed() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("exits-3", "f", 2, 1)).json().path("id").asString();
        // three attempts, each placed on F and exiting with 3
        for (int attempt = 1; attempt <= 3; attempt++) {
            int expected = attempt;
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JsonNode t = task(api, jobId, user, 0);
                return t.path("attempt").asInt() == expected && t.path("state").asString().equals("SCHEDULED");
            });
            JsonNode t = task(api, jobId, user, 0);
            assertThat(t.path("nodeId").asString()).isEqualTo(NODE_F);
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), NODE_F, 3, null, Instant.now()));
            if (attempt < 3) {
                // the retry waits for its backoff and says when it is due
                await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("attempt").asInt() == expected + 1);
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() ->
                api.get("/api/v1/jobs/" + jobId, user).json().path("state").asString().equals("FAILED"));
        JsonNode task = task(api, jobId, user, 0);
        assertThat(task.path("state").asString()).isEqualTo("FAILED");
        assertThat(task.path("exitCode").asInt()).isEqualTo(3);
        JsonNode attempts = task.path("attempts");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.findValuesAsString("state")).containsExactly("FAILED", "FAILED", "FAILED");
        assertThat(attempts.findValuesAsString("reason")).containsOnly("exited with code 3");
        assertThat(attempts.get(0).path("notBefore").isNull()).isTrue();
        // backoff 1 s, then 2 s, counted from the failure
        assertThat(instant(attempts.get(1), "notBefore")).isEqualTo(instant(attempts.get(0), "finishedAt").plusSeconds(1));
        assertThat(instant(attempts.get(2), "notBefore")).isEqualTo(instant(attempts.get(1), "finishedAt").plusSeconds(2));
        assertThat(instant(attempts.get(2), "scheduledAt")).isAfterOrEqualTo(instant(attempts.get(2), "notBefore"));

        // the history: every step of every attempt, oldest first, in pages
        List<JsonNode> events = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/jobs/" + jobId + "/events?limit=4" + (cursor == null ? "" : "&cursor=" + cursor), user).json();
            page.path("items").forEach(events::add);
            cursor = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode() ? null : page.path("nextCursor").asString();
        } while (cursor != null);
        assertThat(events.stream().map(e -> e.path("from").asString() + ">" + e.path("to").asString())).containsExactly(
                "PENDING>SCHEDULED", "SCHEDULED>RUNNING", "RUNNING>FAILED", "FAILED>PENDING",
                "PENDING>SCHEDULED", "SCHEDULED>RUNNING", "RUNNING>FAILED", "FAILED>PENDING",
                "PENDING>SCHEDULED", "SCHEDULED>RUNNING", "RUNNING>FAILED");
        assertThat(events.get(3).path("reason").asString()).startsWith("attempt 2 after FAILED, due at ");
        assertThat(events.get(3).path("attemptId").asString()).isEqualTo(attempts.get(1).path("attemptId").asString());
        assertThat(events.getFirst().path("nodeId").asString()).isEqualTo(NODE_F);
        assertThat(events).allSatisfy(e -> assertThat(e.path("taskIndex").asInt()).isZero());

        // each step is also a fact on holon.task.events (through the outbox): exactly one per step, in order
        List<String> steps = events.stream().map(e -> e.path("attemptId").asString() + " " + e.path("from").asString()
                + ">" + e.path("to").asString()).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> stateChanges(jobId).size() >= steps.size());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> stateChanges(jobId).size() == steps.size());
        assertThat(stateChanges(jobId).stream().map(c -> c.attemptId() + " " + c.from() + ">" + c.to()))
                .containsExactlyElementsOf(steps);
        assertThat(stateChanges(jobId)).allSatisfy(c -> {
            assertThat(c.taskId()).isEqualTo(task.path("id").asString());
            assertThat(c.index()).isZero();
        });

        // followed live: the job has finished, so the stream sends everything and ends; it resumes after Last-Event-ID
        ApiClient.Response stream = api.send("GET", "/api/v1/jobs/" + jobId + "/events", user, null,
                "Accept", "text/event-stream");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
        assertThat(sseIds(stream.body())).containsExactlyElementsOf(events.stream().map(e -> e.path("id").asString()).toList());
        ApiClient.Response resumed = api.send("GET", "/api/v1/jobs/" + jobId + "/events", user, null,
                "Accept", "text/event-stream", "Last-Event-ID", events.get(8).path("id").asString());
        assertThat(sseIds(resumed.body())).containsExactly(events.get(9).path("id").asString(), events.get(10).path("id").asString());
        assertThat(resumed.body()).contains("\"to\":\"FAILED\"");

        // another user's job history is not found, in either form; an operator reads it
        String operators = api.send("POST", "/api/v1/jobs", tokens.operator(), job("ops-history", 1, 64, "BINPACK")).json().path("id").asString();
        assertProblem(api.get("/api/v1/jobs/" + operators + "/events", user), 404, "/problems/not-found");
        assertProblem(api.send("GET", "/api/v1/jobs/" + operators + "/events", user, null, "Accept", "text/event-stream"),
                404, "/problems/not-found");
        assertThat(api.get("/api/v1/jobs/" + jobId + "/events", tokens.operator()).json().path("items")).hasSize(11);
        api.send("POST", "/api/v1/jobs/" + operators + "/cancel", tokens.operator(), null);
    }

    @Test
    void aLiveFollowerSeesTheStepsAsTheyHappenAndTheStreamEndsWithTheJob() throws Exception {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("followed", "f", 0, 0)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + user).header("Accept", "text/event-stream").build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            var response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
            JsonNode t = task(api, jobId, user, 0);
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskStarted(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), NODE_F, Instant.now()));
            publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, t.path("id").asString(),
                    t.path("attemptId").asString(), NODE_F, 0, null, Instant.now()));
            List<String> lines = response.get(30, TimeUnit.SECONDS).body().toList(); // ends when the job has finished
            assertThat(lines.stream().filter(l -> l.startsWith("data:")).map(l -> ApiClient.JSON.readTree(l.substring(5)))
                    .map(e -> e.path("to").asString())).containsExactly("SCHEDULED", "RUNNING", "SUCCEEDED");
        }
    }

    @Test
    void aDrainMovesTheTasksToNewAttemptsAndTellsTheWorkerToStopTheOldOnes() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("drained", "e", 0, 1)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        JsonNode first = task(api, jobId, user, 0);
        assertThat(first.path("nodeId").asString()).isEqualTo(NODE_E);
        publish(Topics.NODE_EVENTS, NODE_E, new NodeEvent.NodeDrainRequested(NODE_E, "operator"));
        // the registry does not show E draining here, so the new attempt may land on E again: what matters is the move
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("attempt").asInt() == 2);
        JsonNode old = task(api, jobId, user, 0).path("attempts").get(0);
        assertThat(old.path("state").asString()).isEqualTo("LOST");
        assertThat(old.path("reason").asString()).isEqualTo("node " + NODE_E + " is draining");
        assertThat(task(api, jobId, user, 0).path("state").asString()).isIn("PENDING", "SCHEDULED");
        await().atMost(Duration.ofSeconds(10)).until(() -> cancelled(NODE_E).stream()
                .anyMatch(c -> c.attemptId().equals(first.path("attemptId").asString())));
        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
    }

    @Test
    void theReconcilePassMovesTasksOffANodeTheRegistryShowsDrainingWithoutAnyEvent() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("reconciled", "d", 0, 1)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        JsonNode first = task(api, jobId, user, 0);
        assertThat(first.path("nodeId").asString()).isEqualTo(NODE_D);
        REGISTRY.node(NODE_D, NodeState.UP, "d", null, true);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("attempt").asInt() == 2);
            JsonNode task = task(api, jobId, user, 0);
            assertThat(task.path("attempts").get(0).path("state").asString()).isEqualTo("LOST");
            assertThat(task.path("attempts").get(0).path("reason").asString()).isEqualTo("node " + NODE_D + " is draining");
            // D was the only node in zone d: the new attempt waits, and says why
            assertThat(task.path("state").asString()).isEqualTo("PENDING");
            await().atMost(Duration.ofSeconds(10)).until(() -> cancelled(NODE_D).stream()
                    .anyMatch(c -> c.attemptId().equals(first.path("attemptId").asString())));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !api.get("/api/v1/jobs/" + jobId, user).json().path("pendingReason").isNull());
        } finally {
            REGISTRY.node(NODE_D, NodeState.UP, "d", null, false);
            api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        }
    }

    @Test
    void oneTaskCanBeCancelledWhileTheOthersCarryOn() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("partly-cancelled", 3, 64, "BINPACK")).json().path("id").asString();
        ApiClient.Response cancelled = api.send("POST", "/api/v1/jobs/" + jobId + "/tasks/1/cancel", user, null);
        assertThat(cancelled.status()).isEqualTo(202);
        List<String> states = new ArrayList<>();
        cancelled.json().path("tasks").forEach(t -> states.add(t.path("state").asString()));
        assertThat(states).containsExactly("PENDING", "CANCELLED", "PENDING");
        assertThat(cancelled.json().path("state").asString()).isEqualTo("PENDING");
        assertProblem(api.send("POST", "/api/v1/jobs/" + jobId + "/tasks/3/cancel", user, null), 404, "/problems/not-found");
        assertProblem(api.send("POST", "/api/v1/jobs/" + Ids.newId() + "/tasks/0/cancel", user, null), 404, "/problems/not-found");
        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        assertThat(api.get("/api/v1/jobs/" + jobId, user).json().path("state").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aWorkerReadsItsDesiredStateFencedByTheCurrentEpoch() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("desired", "f", 0, 0)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        JsonNode task = task(api, jobId, user, 0);
        ApiClient.Response desired = api.get("/api/v1/assignments?nodeId=" + NODE_F, tokens.node());
        assertThat(desired.status()).as(desired.body()).isEqualTo(200);
        assertThat(desired.json().path("nodeId").asString()).isEqualTo(NODE_F);
        assertThat(desired.json().path("fencingToken").asLong()).isEqualTo(leadership.epoch());
        JsonNode item = java.util.stream.StreamSupport.stream(desired.json().path("items").spliterator(), false)
                .filter(i -> i.path("jobId").asString().equals(jobId)).findFirst().orElseThrow();
        assertThat(item.path("attemptId").asString()).isEqualTo(task.path("attemptId").asString());
        assertThat(item.path("command").get(0).asString()).isEqualTo("sh");
        assertThat(item.path("nodeId").asString()).isEqualTo(NODE_F);
        // identical to what the placement sent on Kafka
        await().atMost(Duration.ofSeconds(10)).until(() -> assigned(jobId, NODE_F).size() == 1);
        assertThat(ApiClient.JSON.convertValue(item, AssignTask.class)).isEqualTo(assigned(jobId, NODE_F).getFirst());

        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        assertThat(api.get("/api/v1/assignments?nodeId=" + NODE_F, tokens.node()).json().path("items").findValuesAsString("jobId"))
                .doesNotContain(jobId);
        assertProblem(api.get("/api/v1/assignments?nodeId=" + NODE_F, user), 403, "/problems/forbidden");
        assertProblem(api.get("/api/v1/assignments", tokens.node()), 400, "/problems/validation");
    }

    /** The fast path: placement and relay are woken by the commit; prints submit-response -> AssignTask-received. */
    @Test
    void submittedTasksReachTheirNodeWithoutWaitingForThePolls() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String jobId = api.send("POST", "/api/v1/jobs", user, job("fast-" + i, "f", 0, 0)).json().path("id").asString();
            long submitted = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2)).until(() -> assigned(jobId, NODE_F).size() == 1);
            micros.add((System.nanoTime() - submitted) / 1000);
            api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("submit response -> AssignTask on the node's topic: p50 %d ms, max %d ms (n=%d)%n",
                sorted.get(sorted.size() / 2) / 1000, sorted.getLast() / 1000, sorted.size());
    }

    @Test
    void anyoneCanSeeWhetherAReplicaLeads() {
        ApiClient.Response health = new ApiClient(port).get("/actuator/health/leadership", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        assertThat(health.json().path("details").path("leader").asBoolean()).isTrue();
        assertThat(health.json().path("details").path("epoch").asLong()).isEqualTo(leadership.epoch());
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
    void aPersonalAccessTokensJwtActsForItsOwnerInTheTenantTheRequestNames() {
        ApiClient api = new ApiClient(port);
        String pat = AUTH.mint(TestJwtIssuer.userClaims("alice", List.of("/tenants/acme", "/tenants/beta"),
                List.of("user"), "read jobs"), Duration.ofMinutes(5));

        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", pat, job("by-pat", 1, 64, "BINPACK"),
                "X-Holon-Tenant", "beta");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        assertThat(submitted.json().path("owner").asString()).isEqualTo("alice");
        assertThat(submitted.json().path("tenant").asString()).isEqualTo("beta");
        String jobId = submitted.json().path("id").asString();

        assertThat(api.send("GET", "/api/v1/jobs/" + jobId, pat, null, "X-Holon-Tenant", "beta").status()).isEqualTo(200);
        assertProblem(api.send("GET", "/api/v1/jobs/" + jobId, pat, null, "X-Holon-Tenant", "acme"), 404,
                "/problems/not-found");
        ApiClient.Response unnamed = api.send("POST", "/api/v1/jobs", pat, job("by-pat", 1, 64, "BINPACK"));
        assertProblem(unnamed, 400, "/problems/validation");
        assertThat(unnamed.json().path("detail").asString()).contains("acme, beta").contains("X-Holon-Tenant");
        ApiClient.Response notTheirs = api.send("GET", "/api/v1/jobs", pat, null, "X-Holon-Tenant", "gamma");
        assertProblem(notTheirs, 403, "/problems/forbidden");
        assertThat(notTheirs.json().path("detail").asString()).contains("'gamma'");
        assertThat(api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", pat, null, "X-Holon-Tenant", "beta").status())
                .isEqualTo(202);

        String forged = new TestJwtIssuer(TokenExchange.ISSUER).mint(TestJwtIssuer.userClaims("alice",
                List.of("/tenants/acme"), List.of("admin"), "read"), Duration.ofMinutes(5));
        assertProblem(api.get("/api/v1/jobs", forged), 401, "/problems/unauthorized");
    }

    @Test
    void aUserOfNoTenantIsToldToAskAnAdmin() {
        ApiClient api = new ApiClient(port);
        String bob = tokens.user("bob", "holon-bob"); // in the realm, but in no /tenants group yet

        ApiClient.Response listed = api.get("/api/v1/jobs", bob);
        assertProblem(listed, 403, "/problems/forbidden");
        assertThat(listed.json().path("detail").asString()).isEqualTo("you belong to no tenant; ask an admin to add you");
        assertProblem(api.send("POST", "/api/v1/jobs", bob, job("homeless", 1, 64, "BINPACK")), 403,
                "/problems/forbidden");
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
        ApiClient.Response blank = api.send("POST", "/api/v1/jobs", user, job("bad", 1, 0, "SPREAD").replace("[\"echo\", \"hello\"]", "[\" \", \"\"]"));
        assertProblem(blank, 400, "/problems/validation");
        assertThat(blank.json().path("errors").findValuesAsString("field")).containsExactly("command");
        ApiClient.Response zero = api.send("POST", "/api/v1/jobs", user, job("bad", 0, 0, "SPREAD")
                .replace("\"memoryMiB\": 256", "\"memoryMiB\": -1").replace("\"gpus\": 0", "\"gpus\": -2"));
        assertProblem(zero, 400, "/problems/validation");
        assertThat(zero.json().path("errors").findValuesAsString("field")).containsExactlyInAnyOrder("count", "resources.memoryMiB", "resources.gpus");
        ApiClient.Response tooMany = api.send("POST", "/api/v1/jobs", user, job("bad", 5000, 0, "SPREAD"));
        assertThat(tooMany.json().path("detail").asString()).startsWith("count must be at most 1000");
        ApiClient.Response backoff = api.send("POST", "/api/v1/jobs", user, job("bad", "a", 1, 3601));
        assertProblem(backoff, 400, "/problems/validation");
        assertThat(backoff.json().path("errors").findValuesAsString("field")).containsExactly("retryBackoffSeconds");
        assertProblem(api.send("POST", "/api/v1/jobs/" + Ids.newId() + "/cancel", user, null), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/jobs/" + Ids.newId() + "/events", user), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/jobs/" + Ids.newId() + "/events?cursor=zzz", user), 400, "/problems/validation");
        assertThat(allJobs(api, user)).hasSize(before);
    }

    @Test
    void inputsAndOutputDirAreQualifiedWithTheTenantAndReachTheWorkerEvenWithStorageDown() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String body = job("staged", "f", 0, 0).replace("\"constraints\"",
                "\"inputs\": [\"/in/words.txt\", \"/default/in/b.csv\"], \"outputDir\": \"/out/run1/\", \"constraints\"");
        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", user, body);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String jobId = submitted.json().path("id").asString();
        assertThat(ApiClient.JSON.convertValue(submitted.json().path("inputs"), List.class))
                .containsExactly("/default/in/words.txt", "/default/in/b.csv");
        assertThat(submitted.json().path("outputDir").asString()).isEqualTo("/default/out/run1");
        await().atMost(Duration.ofSeconds(20)).until(() -> assigned(jobId, NODE_F).size() == 1);
        AssignTask assign = assigned(jobId, NODE_F).getFirst();
        assertThat(assign.inputs()).containsExactly("/default/in/words.txt", "/default/in/b.csv");
        assertThat(assign.outputDir()).isEqualTo("/default/out/run1");
        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);

        String plain = api.send("POST", "/api/v1/jobs", user, job("plain", "f", 0, 0)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> assigned(plain, NODE_F).size() == 1);
        assertThat(assigned(plain, NODE_F).getFirst().inputs()).isEmpty();
        assertThat(assigned(plain, NODE_F).getFirst().outputDir()).isNull();
        api.send("POST", "/api/v1/jobs/" + plain + "/cancel", user, null);
    }

    @Test
    void badInputPathsAreAProblemNamingTheFieldAndCreateNothing() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        int before = allJobs(api, user).size();
        ApiClient.Response escaping = api.send("POST", "/api/v1/jobs", user, job("bad", "f", 0, 0).replace("\"constraints\"",
                "\"inputs\": [\"/ok.txt\", \"/in/../../acme/secret\"], \"outputDir\": \"out\", \"constraints\""));
        assertProblem(escaping, 400, "/problems/validation");
        assertThat(escaping.json().path("errors").findValuesAsString("field"))
                .anyMatch(f -> f.startsWith("inputs[1]")).anyMatch(f -> f.startsWith("outputDir"));
        ApiClient.Response sameName = api.send("POST", "/api/v1/jobs", user, job("bad", "f", 0, 0).replace("\"constraints\"",
                "\"inputs\": [\"/a/x.txt\", \"/b/x.txt\"], \"constraints\""));
        assertProblem(sameName, 400, "/problems/validation");
        assertThat(sameName.json().path("detail").asString()).contains("inputs[1]");
        String many = java.util.stream.IntStream.range(0, 101).mapToObj(i -> "\"/f" + i + "\"")
                .collect(java.util.stream.Collectors.joining(","));
        ApiClient.Response tooMany = api.send("POST", "/api/v1/jobs", user, job("bad", "f", 0, 0).replace("\"constraints\"",
                "\"inputs\": [" + many + "], \"constraints\""));
        assertProblem(tooMany, 400, "/problems/validation");
        assertThat(tooMany.json().path("errors").findValuesAsString("field")).contains("inputs");
        assertThat(allJobs(api, user)).hasSize(before);
    }

    @Test
    void anotherUsersJobIsNotFoundForAPlainUserButVisibleToOperators() {
        ApiClient api = new ApiClient(port);
        String operator = tokens.operator();
        String jobId = api.send("POST", "/api/v1/jobs", operator, job("ops-job", 1, 64, "BINPACK")).json().path("id").asString();
        assertProblem(api.get("/api/v1/jobs/" + jobId, tokens.demo()), 404, "/problems/not-found");
        assertProblem(api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", tokens.demo(), null), 404, "/problems/not-found");
        assertProblem(api.send("POST", "/api/v1/jobs/" + jobId + "/tasks/0/cancel", tokens.demo(), null), 404, "/problems/not-found");
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

    @Test
    void aScriptJobRunsItsScriptWithBinShOnTheNodeItsAffinityPrefers() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String script = "echo task $HOLON_TASK_INDEX of $HOLON_TASK_COUNT\nexit 0\n";
        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", user, """
                {"name": "scripted", "script": %s, "resources": {"cpuMillis": 100, "memoryMiB": 64},
                 "affinities": [{"match": "zone=e", "weight": 100}, {"match": "zone in (a,b)", "weight": -50}]}"""
                .formatted(ApiClient.JSON.writeValueAsString(script)));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String jobId = submitted.json().path("id").asString();
        assertThat(submitted.json().path("script").asString()).isEqualTo(script);
        assertThat(submitted.json().path("command").isNull()).isTrue();
        assertThat(submitted.json().path("affinities").findValuesAsString("match")).containsExactly("zone=e", "zone in (a,b)");
        assertThat(submitted.json().path("affinities").get(1).path("weight").asInt()).isEqualTo(-50);

        // no constraint: every node could take it; the affinity picks E
        await().atMost(Duration.ofSeconds(20)).until(() -> assigned(jobId, NODE_E).size() == 1);
        assertThat(task(api, jobId, user, 0).path("nodeId").asString()).isEqualTo(NODE_E);
        assertThat(assigned(jobId, NODE_E).getFirst().command()).containsExactly("/bin/sh", "-c", script);
        assertThat(api.get("/api/v1/jobs/" + jobId, user).json().path("script").asString()).isEqualTo(script);
        api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
    }

    @Test
    void aJobNamesItsProgramOnceAndItsAffinitiesAreCheckedFieldByField() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        int before = allJobs(api, user).size();
        String resources = "\"resources\": {\"cpuMillis\": 100, \"memoryMiB\": 64}";

        ApiClient.Response both = api.send("POST", "/api/v1/jobs", user, "{\"name\": \"both\", \"command\": [\"true\"], "
                + "\"script\": \"true\", " + resources + "}");
        assertProblem(both, 400, "/problems/validation");
        assertThat(both.json().path("errors").findValuesAsString("field")).containsExactly("script");
        assertThat(both.json().path("detail").asString()).contains("script cannot be given together with command");

        ApiClient.Response neither = api.send("POST", "/api/v1/jobs", user, "{\"name\": \"neither\", " + resources + "}");
        assertProblem(neither, 400, "/problems/validation");
        assertThat(neither.json().path("errors").findValuesAsString("field")).containsExactly("command");
        assertThat(neither.json().path("detail").asString()).contains("or give a script");

        ApiClient.Response huge = api.send("POST", "/api/v1/jobs", user, "{\"name\": \"huge\", \"script\": \""
                + "#".repeat(70_000) + "\", " + resources + "}");
        assertProblem(huge, 400, "/problems/validation");
        assertThat(huge.json().path("detail").asString()).contains("script must be at most 65536 bytes");

        ApiClient.Response affinities = api.send("POST", "/api/v1/jobs", user, "{\"name\": \"prefers\", "
                + "\"command\": [\"true\"], " + resources + ", \"constraints\": [\"zone\"], \"affinities\": "
                + "[{\"match\": \"zone=a\", \"weight\": 0}, {\"match\": \"zone==\", \"weight\": 10}, {\"match\": \"gpu=a100\"}]}");
        assertProblem(affinities, 400, "/problems/validation");
        assertThat(affinities.json().path("errors").findValuesAsString("field")).containsExactlyInAnyOrder(
                "constraints[0]", "affinities[0].weight", "affinities[1].match", "affinities[2].weight");
        assertThat(affinities.json().path("detail").asString())
                .contains("affinities[0].weight must be between -100 and 100 and not 0")
                .contains("affinities[1].match must look like key=value, key!=value or key in (a,b)");
        assertThat(allJobs(api, user)).hasSize(before);
    }

    @Test
    void jobsCanBeListedByOwnerBesideState() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String operator = tokens.operator();
        ApiClient.Response mineResponse = api.send("POST", "/api/v1/jobs", user, job("owned", 1, 64, "BINPACK"));
        String mine = mineResponse.json().path("id").asString();
        String me = mineResponse.json().path("owner").asString();
        ApiClient.Response theirsResponse = api.send("POST", "/api/v1/jobs", operator, job("owned", 1, 64, "BINPACK"));
        String theirs = theirsResponse.json().path("id").asString();
        String them = theirsResponse.json().path("owner").asString();
        try {
            // operators and admins see everyone's jobs and may narrow them to one owner's
            assertThat(jobIds(api, operator, "owner=" + me)).contains(mine).doesNotContain(theirs);
            assertThat(jobIds(api, tokens.admin(), "owner=" + them)).contains(theirs).doesNotContain(mine);
            assertThat(jobIds(api, operator, "owner=" + me + "&state=PENDING")).contains(mine);
            assertThat(jobIds(api, operator, "owner=" + me + "&state=SUCCEEDED")).doesNotContain(mine);
            assertThat(jobIds(api, operator, "owner=nobody-" + Ids.newId())).isEmpty();
            // a user sees only their own jobs, filter or not
            assertThat(jobIds(api, user, "owner=" + me)).contains(mine);
            assertThat(jobIds(api, user, "owner=" + them)).isEmpty();
            assertProblem(api.get("/api/v1/jobs?owner=", operator), 400, "/problems/validation");
            assertProblem(api.get("/api/v1/jobs?owner=" + "x".repeat(256), operator), 400, "/problems/validation");
        } finally {
            api.send("POST", "/api/v1/jobs/" + mine + "/cancel", user, null);
            api.send("POST", "/api/v1/jobs/" + theirs + "/cancel", operator, null);
        }
    }

    @Test
    void aJobWaitingForRoomIsPlacedWhenANodeJoinsAndWhenAnotherTaskEnds() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        REGISTRY.node(NODE_H1, NodeState.UP, "h", null, false);
        // 3 of a node's 4 CPUs each: one per node
        String first = api.send("POST", "/api/v1/jobs", user, bigJob("room-1")).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> NODE_H1.equals(task(api, first, user, 0).path("nodeId").asString()));
        String second = api.send("POST", "/api/v1/jobs", user, bigJob("room-2")).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !api.get("/api/v1/jobs/" + second, user).json().path("pendingReason").isNull());
        assertThat(api.get("/api/v1/jobs/" + second, user).json().path("pendingReason").asString())
                .contains("3000m free CPU");
        String third = null;
        try {
            // a worker enrols: the registry lists it and announces it
            REGISTRY.node(NODE_H2, NodeState.UP, "h", null, false);
            publish(Topics.NODE_EVENTS, NODE_H2, new NodeEvent.NodeJoined(NODE_H2, "host-h2",
                    new dev.holon.contracts.node.NodeResources(4000, 8192, 0, 100_000), Map.of("zone", "h")));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    NODE_H2.equals(task(api, second, user, 0).path("nodeId").asString()));
            assertThat(api.get("/api/v1/jobs/" + second, user).json().path("pendingReason").isNull()).isTrue();

            String waiting = api.send("POST", "/api/v1/jobs", user, bigJob("room-3")).json().path("id").asString();
            third = waiting;
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    !api.get("/api/v1/jobs/" + waiting, user).json().path("pendingReason").isNull());
            assertThat(task(api, waiting, user, 0).path("state").asString()).isEqualTo("PENDING");

            // the first job's task ends: its room goes to the waiting one
            JsonNode done = task(api, first, user, 0);
            publish(Topics.TASK_EVENTS, first, new TaskEvent.TaskExited(first, done.path("id").asString(),
                    done.path("attemptId").asString(), NODE_H1, 0, null, Instant.now()));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    NODE_H1.equals(task(api, waiting, user, 0).path("nodeId").asString()));
            assertThat(task(api, waiting, user, 0).path("state").asString()).isEqualTo("SCHEDULED");
            assertThat(api.get("/api/v1/jobs/" + first, user).json().path("state").asString()).isEqualTo("SUCCEEDED");
        } finally {
            for (String jobId : new String[] {first, second, third}) {
                if (jobId != null) {
                    api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
                }
            }
        }
    }

    @Test
    void theReconcilePassMovesTasksOffANodeTheRegistryShowsDownWithoutAnyEvent() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("down-unannounced", "g", 0, 1)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        JsonNode first = task(api, jobId, user, 0);
        String down = first.path("nodeId").asString();
        String other = down.equals(NODE_G1) ? NODE_G2 : NODE_G1;
        assertThat(down).isIn(NODE_G1, NODE_G2);
        REGISTRY.node(down, NodeState.DOWN, "g", null, false); // no NodeDown on the topic
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("attempt").asInt() == 2
                    && task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
            JsonNode task = task(api, jobId, user, 0);
            assertThat(task.path("attempts").get(0).path("state").asString()).isEqualTo("LOST");
            assertThat(task.path("attempts").get(0).path("reason").asString()).isEqualTo("node " + down + " is DOWN");
            assertThat(task.path("nodeId").asString()).as("re-placed on the zone's other node").isEqualTo(other);
            // the assignment reaches this test's consumer through Kafka, after the task row shows it
            await().atMost(Duration.ofSeconds(10)).until(() -> !assigned(jobId, other).isEmpty());
            assertThat(assigned(jobId, other)).singleElement().satisfies(a ->
                    assertThat(a.attemptId()).isEqualTo(task.path("attemptId").asString()));
            await().atMost(Duration.ofSeconds(10)).until(() -> cancelled(down).stream()
                    .anyMatch(c -> c.attemptId().equals(first.path("attemptId").asString())));
        } finally {
            REGISTRY.node(down, NodeState.UP, "g", null, false);
            api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        }
    }

    @Test
    void aFailedTaskIsRetriedOnAnotherNodeWhenOneCanTakeIt() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = api.send("POST", "/api/v1/jobs", user, job("retried-elsewhere", "g", 1, 0)).json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
        JsonNode first = task(api, jobId, user, 0);
        publish(Topics.TASK_EVENTS, jobId, new TaskEvent.TaskExited(jobId, first.path("id").asString(),
                first.path("attemptId").asString(), first.path("nodeId").asString(), 3, null, Instant.now()));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> task(api, jobId, user, 0).path("attempt").asInt() == 2
                    && task(api, jobId, user, 0).path("state").asString().equals("SCHEDULED"));
            JsonNode retry = task(api, jobId, user, 0);
            assertThat(retry.path("attempts").get(0).path("state").asString()).isEqualTo("FAILED");
            assertThat(retry.path("nodeId").asString()).as("zone g has two nodes: the retry runs on the other")
                    .isIn(NODE_G1, NODE_G2).isNotEqualTo(first.path("nodeId").asString());
        } finally {
            api.send("POST", "/api/v1/jobs/" + jobId + "/cancel", user, null);
        }
    }

    /** One task in zone h needing 3 of a node's 4 CPUs. */
    private static String bigJob(String name) {
        return """
                {"name": "%s", "command": ["sleep", "60"], "resources": {"cpuMillis": 3000, "memoryMiB": 256},
                 "constraints": ["zone=h"]}""".formatted(name);
    }

    private static String job(String name, int count, int gpus, String strategy) {
        return """
                {"name": "%s", "command": ["echo", "hello"], "env": {"GREETING": "hi"},
                 "resources": {"cpuMillis": 500, "memoryMiB": 256, "gpus": %d}, "count": %d,
                 "constraints": ["zone=a"], "strategy": "%s", "maxRetries": 1, "timeoutSeconds": 60, "priority": 0}"""
                .formatted(name, gpus, count, strategy);
    }

    /** A job of one task in the zone, running {@code sh -c 'exit 3'}. */
    private static String job(String name, String zone, int maxRetries, int retryBackoffSeconds) {
        return """
                {"name": "%s", "command": ["sh", "-c", "exit 3"], "resources": {"cpuMillis": 100, "memoryMiB": 64, "gpus": 0},
                 "constraints": ["zone=%s"], "maxRetries": %d, "retryBackoffSeconds": %d}"""
                .formatted(name, zone, maxRetries, retryBackoffSeconds);
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(node.path(field).asString());
    }

    private static List<String> sseIds(String body) {
        return body.lines().filter(l -> l.startsWith("id:")).map(l -> l.substring(3).trim()).toList();
    }

    private static List<CancelTask> cancelled(String node) {
        return assignments.valuesFor(node).stream().map(EventEnvelope::data)
                .filter(d -> d instanceof CancelTask).map(d -> (CancelTask) d).toList();
    }

    /** The scheduler's TaskStateChanged facts about the job, in the order of the topic (keyed by job id). */
    private static List<TaskEvent.TaskStateChanged> stateChanges(String jobId) {
        return taskEvents.valuesFor(jobId).stream().map(EventEnvelope::data)
                .filter(d -> d instanceof TaskEvent.TaskStateChanged).map(d -> (TaskEvent.TaskStateChanged) d).toList();
    }

    /** The worker reports recorded about the attempt ({@code task_report}), oldest first. */
    private List<Map<String, Object>> reportsAbout(String attemptId) {
        return jdbc.sql("SELECT type, applied FROM task_report WHERE attempt_id = ? ORDER BY received_at")
                .param(attemptId).query().listOfRows();
    }

    /** The ids of every job the caller sees with the query ({@code state=...&owner=...}), through all pages. */
    private static List<String> jobIds(ApiClient api, String token, String query) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            ApiClient.Response response = api.get("/api/v1/jobs?limit=500&" + query
                    + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            response.json().path("items").forEach(j -> ids.add(j.path("id").asString()));
            JsonNode next = response.json().path("nextCursor");
            cursor = next.isNull() || next.isMissingNode() ? null : next.asString();
        } while (cursor != null);
        return ids;
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
