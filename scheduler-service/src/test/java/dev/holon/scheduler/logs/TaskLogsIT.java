package dev.holon.scheduler.logs;

import dev.holon.contracts.Ids;
import dev.holon.contracts.node.NodeState;
import dev.holon.testsupport.ApiClient;
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

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task logs through the scheduler against real PostgreSQL, Kafka and Keycloak, with the registry and the workers as
 * HTTP stand-ins: node A's worker serves logs, node B's worker is not listening.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S",
        "holon.scheduler.placement-interval=PT0.1S", "holon.scheduler.node-view-refresh=PT0.3S",
        "holon.scheduler.leader-retry=PT0.5S", "holon.scheduler.logs.retry-after=PT7S",
        "holon.auth.url="})  // quotas off: an auth-service on its default port must not interfere
class TaskLogsIT {

    static final RegistryStandIn REGISTRY = new RegistryStandIn();
    static final StandIns.Worker WORKER = new StandIns.Worker();
    static final String NODE_A = Ids.newId(), NODE_B = Ids.newId();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static KeycloakTokens tokens;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        // its own database: SchedulerIT's cached context may hold the leader lock of the shared one
        TestInfrastructure.registerOwnDatabaseAndKafka(registry, "holon_task_logs_it");
        TestInfrastructure.registerIssuer(registry);
        registry.add("holon.scheduler.registry-url", REGISTRY::url);
    }

    @BeforeAll
    static void start() throws IOException {
        REGISTRY.node(NODE_A, NodeState.UP, "a", WORKER.url());
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        REGISTRY.node(NODE_B, NodeState.UP, "b", "http://localhost:" + closed);
        tokens = TestInfrastructure.tokens();
    }

    @AfterAll
    static void stop() {
        WORKER.close();
        REGISTRY.close();
    }

    @Test
    void readsAPlacedTasksLogWholeTailedAndFollowedFromTheWorkerThatRunsIt() throws Exception {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = placedJob(api, user, "a");
        String logs = "/api/v1/jobs/" + jobId + "/tasks/0/logs";

        ApiClient.Response whole = api.get(logs, user);
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        assertThat(whole.header("Content-Type")).startsWith("text/plain");
        assertThat(whole.body()).isEqualTo(StandIns.Worker.STDOUT);
        assertThat(WORKER.lastAuthorization()).as("the scheduler calls as itself").startsWith("Bearer ");
        assertThat(WORKER.lastAuthorization()).isNotEqualTo("Bearer " + user);
        assertThat(api.get(logs + "?tail=1", user).body()).isEqualTo("line 3\n");
        assertThat(api.get(logs + "?stream=stderr", user).body()).isEqualTo(StandIns.Worker.STDERR);
        String attemptId = task(api, jobId, user).path("attemptId").asString();
        assertThat(api.get(logs + "?attempt=" + attemptId, user).body()).isEqualTo(StandIns.Worker.STDOUT);

        // follow: the first lines arrive while the worker still holds the stream open
        WORKER.rearm();
        HttpResponse<Stream<String>> live = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + logs + "?follow=true"))
                .header("Authorization", "Bearer " + user).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        Iterator<String> lines = live.body().iterator();
        List<String> seen = new ArrayList<>();
        while (!seen.contains("data:line 2")) {
            seen.add(lines.next());
        }
        assertThat(seen).containsExactly("id:7", "data:line 1", "", "id:14", "data:line 2");
        WORKER.release();
        lines.forEachRemaining(seen::add);
        assertThat(seen).containsSequence("id:21", "data:line 3", "", "event:end", "id:21", "data:end");

        // resuming: Last-Event-ID becomes the worker's offset; Accept alone also asks for the event stream
        WORKER.release();
        HttpResponse<String> resumed = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + logs))
                .header("Authorization", "Bearer " + user).header("Accept", "text/event-stream")
                .header("Last-Event-ID", "14").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resumed.body()).startsWith("id:21\ndata:line 3\n\nevent:end");
        assertThat(WORKER.lastRequest()).containsEntry("offset", "14").containsEntry("follow", "true");
    }

    @Test
    void badRequestsUnknownTasksAndOtherPeoplesJobsAreProblems() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = placedJob(api, user, "a");
        String logs = "/api/v1/jobs/" + jobId + "/tasks/0/logs";

        assertProblem(api.get(logs + "?stream=stdin", user), 400, "/problems/validation");
        assertProblem(api.get(logs + "?tail=-1", user), 400, "/problems/validation");
        assertProblem(api.get(logs + "?follow=true&offset=-5", user), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/jobs/" + jobId + "/tasks/7/logs", user), 404, "/problems/not-found");
        ApiClient.Response older = api.get(logs + "?attempt=" + Ids.newId(), user);
        assertProblem(older, 404, "/problems/not-found");
        assertThat(older.json().path("detail").asString()).contains("has no attempt");
        assertProblem(api.get("/api/v1/jobs/" + Ids.newId() + "/tasks/0/logs", user), 404, "/problems/not-found");
        assertProblem(api.get(logs, null), 401, "/problems/unauthorized");

        String othersJob = placedJob(api, tokens.operator(), "a");
        assertProblem(api.get("/api/v1/jobs/" + othersJob + "/tasks/0/logs", user), 404, "/problems/not-found");
        assertProblem(api.send("GET", "/api/v1/jobs/" + othersJob + "/tasks/0/logs", user, null,
                "Accept", "text/event-stream"), 404, "/problems/not-found");

        String waiting = api.send("POST", "/api/v1/jobs", user, job("never-placed", 64, "a")).json().path("id").asString();
        ApiClient.Response notStarted = api.get("/api/v1/jobs/" + waiting + "/tasks/0/logs", user);
        assertProblem(notStarted, 409, "/problems/conflict");
        assertThat(notStarted.json().path("detail").asString()).contains("task 0 has not started yet");
        api.send("POST", "/api/v1/jobs/" + waiting + "/cancel", user, null);
    }

    @Test
    void aWorkerThatCannotBeReachedOrIsDownIsA503NamingTheNode() {
        ApiClient api = new ApiClient(port);
        String user = tokens.demo();
        String jobId = placedJob(api, user, "b");
        String logs = "/api/v1/jobs/" + jobId + "/tasks/0/logs";

        ApiClient.Response unreachable = api.get(logs, user);
        assertProblem(unreachable, 503, "/problems/unavailable");
        assertThat(unreachable.header("Retry-After")).isEqualTo("7");
        assertThat(unreachable.json().path("detail").asString()).contains(NODE_B).contains("cannot be reached");
        assertProblem(api.get(logs + "?follow=true", user), 503, "/problems/unavailable");
        assertProblem(api.send("GET", logs, user, null, "Accept", "text/event-stream"), 503, "/problems/unavailable");

        REGISTRY.node(NODE_B, NodeState.DOWN, "b", "http://localhost:1");
        ApiClient.Response down = api.get(logs, user);
        assertProblem(down, 503, "/problems/unavailable");
        assertThat(down.header("Retry-After")).isEqualTo("7");
        assertThat(down.json().path("detail").asString()).contains(NODE_B).contains("is down");
    }

    /** A one-task job placed on the node of the given zone. */
    private static String placedJob(ApiClient api, String token, String zone) {
        ApiClient.Response submitted = api.send("POST", "/api/v1/jobs", token, job("logs-" + zone, 0, zone));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        String jobId = submitted.json().path("id").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> !task(api, jobId, token).path("nodeId").isNull());
        return jobId;
    }

    private static JsonNode task(ApiClient api, String jobId, String token) {
        return api.get("/api/v1/jobs/" + jobId, token).json().path("tasks").get(0);
    }

    private static String job(String name, int gpus, String zone) {
        return """
                {"name": "%s", "command": ["echo", "hello"], "env": {},
                 "resources": {"cpuMillis": 100, "memoryMiB": 64, "gpus": %d}, "count": 1,
                 "constraints": ["zone=%s"], "strategy": "SPREAD", "maxRetries": 0, "timeoutSeconds": 60, "priority": 0}"""
                .formatted(name, gpus, zone);
    }

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().path("type").asString()).isEqualTo(type);
    }
}
