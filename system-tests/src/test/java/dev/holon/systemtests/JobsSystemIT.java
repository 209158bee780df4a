package dev.holon.systemtests;

import dev.holon.localcluster.cluster.ClusterOptions;
import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs end to end on a real local cluster (as {@code ./holon up} starts it): a task array submitted through the
 * gateway is placed by scheduler-service, run by the workers in their sandboxes, reported back, and its output is
 * readable on the worker that ran it. Own home and ports, so it can run in the same JVM as {@link ClusterSystemIT}.
 */
class JobsSystemIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static LocalCluster cluster;
    static String userToken;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterOptions.builder()
                .home(Path.of("target", "cluster-jobs").toAbsolutePath())
                .portBase(29080)
                .stopOnExit(true)
                .build());
        userToken = cluster.accessToken("demo", "holon-demo");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void aTaskArraySpreadsOverEveryNodeSucceedsAndItsOutputIsReadable() {
        await().atMost(Duration.ofSeconds(60)).until(
                () -> get(cluster.gatewayUrl() + "/api/v1/nodes?state=UP").json().path("items").size() == 3);
        Map<String, Integer> workerOfNode = new HashMap<>();
        for (JsonNode node : get(cluster.gatewayUrl() + "/api/v1/nodes").json().path("items")) {
            String zone = node.path("labels").path("zone").asString();
            workerOfNode.put(node.path("id").asString(), "abc".indexOf(zone) + 1);
        }
        assertThat(workerOfNode.values()).containsExactlyInAnyOrder(1, 2, 3);

        Instant submitted = Instant.now();
        Response created = send("POST", cluster.gatewayUrl() + "/api/v1/jobs", """
                {"name":"hello","command":["sh","-c","echo task $HOLON_TASK_INDEX; sleep 1"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0},"count":6,"strategy":"SPREAD"}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String jobId = created.json().path("id").asString();

        JsonNode job = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> get(cluster.gatewayUrl() + "/api/v1/jobs/" + jobId).json(),
                        j -> Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(j.path("state").asString()));
        System.out.printf("job of 6 tasks: %s %d ms after submission%n", job.path("state").asString(),
                Duration.between(submitted, Instant.now()).toMillis());
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode tasks = job.path("tasks");
        assertThat(tasks.size()).isEqualTo(6);
        Set<String> nodes = new HashSet<>();
        for (JsonNode task : tasks) {
            assertThat(task.path("state").asString()).as(task.toString()).isEqualTo("SUCCEEDED");
            assertThat(task.path("exitCode").asInt()).as(task.toString()).isZero();
            nodes.add(task.path("nodeId").asString());
        }
        assertThat(nodes).as("nodes of the tasks").isEqualTo(workerOfNode.keySet());

        for (JsonNode task : tasks) {
            int worker = workerOfNode.get(task.path("nodeId").asString());
            String logs = "http://localhost:" + cluster.workerPort(worker) + "/api/v1/tasks/"
                    + task.path("attemptId").asString() + "/logs";
            Response stdout = get(logs + "?stream=stdout");
            assertThat(stdout.status()).as(stdout.body()).isEqualTo(200);
            assertThat(stdout.contentType()).startsWith("text/plain");
            assertThat(stdout.body()).contains("task " + task.path("index").asInt());
            assertThat(get(logs + "?stream=stdout&tail=1").body()).isEqualTo("task " + task.path("index").asInt() + "\n");
        }
        JsonNode first = tasks.get(0);
        String url = "http://localhost:" + cluster.workerPort(workerOfNode.get(first.path("nodeId").asString()))
                + "/api/v1/tasks/" + first.path("attemptId").asString() + "/logs";
        assertThat(send("GET", url, null, null).status()).isEqualTo(401);
        assertThat(get("http://localhost:" + cluster.workerPort(1) + "/api/v1/tasks/no-such-attempt/logs").status())
                .isEqualTo(404);
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private static Response get(String url) {
        return send("GET", url, userToken, null);
    }

    private static Response send(String method, String url, String body) {
        return send(method, url, userToken, body);
    }

    private static Response send(String method, String url, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
