package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.systemtests.ClusterApi.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs end to end on a real local cluster (as {@code ./holon up} starts it), used through the gateway as a client
 * would: task arrays spread over the nodes with their output readable, cancellation that leaves no process behind,
 * timeouts and memory limits enforced, tasks kept out of each other's files, and bad input refused. Own home and
 * ports, so it can run in the same JVM as the other system tests.
 */
class JobsSystemIT {

    static LocalCluster cluster;
    static ClusterApi api;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterApi.options("cluster-jobs", 12080).build());
        api = ClusterApi.demoOnceThreeNodesAreUp(cluster);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    void aTwelveTaskArraySpreadsOverEveryNodeSucceedsAndEachTasksLogIsReadableThroughTheGateway() {
        Map<String, Integer> workerOfNode = api.workerOfNode();
        assertThat(workerOfNode.values()).containsExactlyInAnyOrder(1, 2, 3);

        Instant submitted = Instant.now();
        String jobId = api.submit("""
                {"name":"hello","command":["sh","-c","echo task $HOLON_TASK_INDEX on $(hostname); sleep 3"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0},"count":12,"strategy":"SPREAD"}""");

        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(120));
        System.out.printf("job of 12 tasks: %s %d ms after submission%n", job.path("state").asString(),
                Duration.between(submitted, Instant.now()).toMillis());
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode tasks = job.path("tasks");
        assertThat(tasks.size()).isEqualTo(12);
        Set<String> nodes = new HashSet<>();
        for (JsonNode task : tasks) {
            assertThat(task.path("state").asString()).as(task.toString()).isEqualTo("SUCCEEDED");
            assertThat(task.path("exitCode").asInt()).as(task.toString()).isZero();
            nodes.add(task.path("nodeId").asString());
        }
        assertThat(nodes).as("nodes of the tasks").isEqualTo(workerOfNode.keySet());

        for (JsonNode task : tasks) {
            int index = task.path("index").asInt();
            Response logs = api.get("/api/v1/jobs/" + jobId + "/tasks/" + index + "/logs");
            assertThat(logs.status()).as(logs.body()).isEqualTo(200);
            assertThat(logs.contentType()).startsWith("text/plain");
            assertThat(logs.body()).startsWith("task " + index + " on ");
            assertThat(api.get("/api/v1/jobs/" + jobId + "/tasks/" + index + "/logs?tail=1").body())
                    .startsWith("task " + index + " on ").endsWith("\n");
        }
        assertThat(api.get("/api/v1/jobs/" + jobId + "/tasks/12/logs").status()).isEqualTo(404);
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + "/api/v1/jobs/" + jobId + "/tasks/0/logs", null, null)
                .status()).isEqualTo(401);
    }

    @Test
    void cancellingARunningJobLeavesNoneOfItsProcessesOnTheWorkers() {
        // A sleep no other process on this machine has: its processes are findable in the process table.
        String sleep = "sleep " + ThreadLocalRandom.current().nextInt(400_000, 500_000);
        String jobId = api.submit("""
                {"name":"to-cancel","command":["sh","-c","echo started; %s; echo never"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0},"count":3,"strategy":"SPREAD"}""".formatted(sleep));
        api.awaitAllRunning(jobId, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> ClusterApi.processesWith(sleep).size() >= 3);

        Response cancelled = api.post("/api/v1/jobs/" + jobId + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.body()).isBetween(200, 299);
        Instant cancelledAt = Instant.now();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(ClusterApi.processesWith(sleep)).isEmpty());
        System.out.printf("cancel -> no process left: %d ms%n", Duration.between(cancelledAt, Instant.now()).toMillis());
        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(30));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("CANCELLED");
    }

    @Test
    void aTaskOverItsTimeoutIsKilledAndFailsWithReasonTimeout() {
        String jobId = api.submit("""
                {"name":"too-slow","command":["sleep","120"],"timeoutSeconds":2,
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}""");

        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(60));

        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.path("tasks").get(0).path("state").asString()).isEqualTo("FAILED");
        assertThat(job.path("tasks").get(0).path("reason").asString()).contains("timeout");
    }

    @Test
    void aTaskOverItsMemoryLimitIsKilledAndFailsWithAnOutOfMemoryReason() {
        // tail keeps the whole newline-free "line" in memory: 500 MiB against a 64 MiB limit.
        String jobId = api.submit("""
                {"name":"memory-hog","command":["sh","-c","head -c 500m /dev/zero | tail"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}""");

        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(60));

        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.path("tasks").get(0).path("reason").asString()).as(job.toString()).contains("out of memory");
    }

    @Test
    void aTaskCannotReadAnotherTasksWorkingDirectory() {
        String secret = "secret-" + ThreadLocalRandom.current().nextLong(1L << 40);
        String holder = api.submit("""
                {"name":"secret-holder","command":["sh","-c","echo %s > secret; pwd; sleep 60"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}""".formatted(secret));
        api.awaitAllRunning(holder, Duration.ofSeconds(60));
        String directory = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> workerOutput(api.job(holder).path("tasks").get(0)),
                        logs -> logs.status() == 200 && logs.body().startsWith("/")).body().strip();

        String reader = api.submit("""
                {"name":"snoop","command":["sh","-c","cat %s/secret; ls %s"],
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}""".formatted(directory, directory));
        JsonNode job = api.awaitFinished(reader, Duration.ofSeconds(60));

        assertThat(workerOutput(job.path("tasks").get(0)).body()).doesNotContain(secret);
        assertThat(job.path("state").asString()).as("cat of another task's file fails: " + job).isEqualTo("FAILED");
        api.post("/api/v1/jobs/" + holder + "/cancel", null);
    }

    @Test
    void badInputIsRefusedWithAProblemNamingItAndCreatesNothing() {
        int jobsBefore = jobCount();
        String valid = """
                {"name":"bad","command":["true"],"resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0},"count":1}""";

        assertRefused(valid.replace("\"cpuMillis\":100", "\"cpuMillis\":0"), 400, "cpuMillis");
        assertRefused(valid.replace("\"memoryMiB\":64", "\"memoryMiB\":-1"), 400, "memoryMiB");
        assertRefused(valid.replace("\"gpus\":0", "\"gpus\":-1"), 400, "gpus");
        assertRefused(valid.replace("\"count\":1", "\"count\":0"), 400, "count");
        assertRefused(valid.replace("\"count\":1", "\"count\":1001"), 400, "count");
        assertRefused(valid.replace("[\"true\"]", "[]"), 400, "command");
        Response malformed = api.post("/api/v1/jobs", "{\"name\":\"bad\",\"command\":[\"true\"");
        assertProblem(malformed, 400);

        Response unknown = api.get("/api/v1/jobs/0190a6d2-0000-7000-8000-000000000000");
        assertProblem(unknown, 404);
        assertThat(unknown.json().path("detail").asString()).contains("0190a6d2-0000-7000-8000-000000000000");

        assertThat(jobCount()).as("jobs after bad input").isEqualTo(jobsBefore);
    }

    /** A task's stdout, from the worker that ran it (its own API). */
    private static Response workerOutput(JsonNode task) {
        int worker = api.workerOfNode().get(task.path("nodeId").asString());
        return ClusterApi.send("GET", "http://localhost:" + cluster.workerPort(worker) + "/api/v1/tasks/"
                + task.path("attemptId").asString() + "/logs?stream=stdout", api.token(), null);
    }

    private static void assertRefused(String body, int status, String field) {
        Response response = api.post("/api/v1/jobs", body);
        assertProblem(response, status);
        assertThat(response.body()).as("the problem names %s", field).contains(field);
    }

    private static void assertProblem(Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().path("status").asInt()).isEqualTo(status);
        assertThat(response.json().path("title").asString()).isNotBlank();
    }

    private static int jobCount() {
        int count = 0;
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/jobs?limit=500" + (cursor == null ? "" : "&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8))).json();
            count += page.path("items").size();
            cursor = page.path("nextCursor").isString() ? page.path("nextCursor").asString() : null;
        } while (cursor != null);
        return count;
    }
}
