package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.systemtests.ClusterApi.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task staging end to end on a real local cluster of four workers, through the gateway: an input file uploaded to
 * storage is in every task's {@code $HOLON_INPUT_DIR} before it starts, what the tasks leave in
 * {@code $HOLON_OUTPUT_DIR} is stored under {@code <outputDir>/task-<index>/} and can be downloaded, tasks run on
 * the nodes holding their input while those have room, and a job naming a missing input fails with the reason, its
 * task never started.
 */
class StagingSystemIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static LocalCluster cluster;
    static ClusterApi api;

    @BeforeAll
    static void startCluster() {
        // Four workers, so that an input kept twice leaves two nodes without it.
        cluster = LocalCluster.start(ClusterApi.options("cluster-staging", 13080).workers(4).build());
        api = ClusterApi.demoOnceNodesAreUp(cluster, 4);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /**
     * A 4-task job whose input is kept on two of the four nodes, each task asking for half a node's CPU, while
     * another job already takes half of one of those two: the tasks fill the room the holders have (two on the free
     * holder, one beside the other job) and only the fourth, finding them full, runs on a node without the input.
     * Every task reads the input and its output can be downloaded.
     */
    @Test
    void aFourTaskJobReadsItsInputOnTheNodesHoldingItWhileTheyHaveRoomAndItsOutputCanBeDownloaded() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String words = "one two three four five six seven\neight nine\n";
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl()
                        + "/api/v1/files/default/in/" + run + "/words.txt?replication=2"))
                .header("Authorization", "Bearer " + api.token())
                .header("Content-Type", "application/octet-stream").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofString(words)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        Set<String> holders = new HashSet<>();
        for (JsonNode chunk : api.get("/api/v1/files/default/in/" + run + "/words.txt?op=stat&replicas=true").json()
                .path("chunks")) {
            chunk.path("replicas").forEach(replica -> holders.add(replica.asString()));
        }
        assertThat(holders).hasSize(2);
        long halfANode = Long.MAX_VALUE;
        for (JsonNode node : api.get("/api/v1/nodes").json().path("items")) {
            halfANode = Math.min(halfANode, node.path("allocatable").path("cpuMillis").asLong() / 2);
        }

        // Half of one holder is taken by a job that waits (it also names the input, so it runs on a holder).
        String blocker = api.submit("""
                {"name":"half-a-holder","command":["sh","-c","sleep 300"],"inputs":["/in/%s/words.txt"],
                 "resources":{"cpuMillis":%d,"memoryMiB":64,"gpus":0}}""".formatted(run, halfANode));
        try {
            String busyHolder = api.awaitAllRunning(blocker, Duration.ofSeconds(120)).path("tasks").get(0)
                    .path("nodeId").asString();
            assertThat(holders).as("node of the waiting job").contains(busyHolder);
            String freeHolder = holders.stream().filter(h -> !h.equals(busyHolder)).findFirst().orElseThrow();

            Instant submitted = Instant.now();
            String jobId = api.submit("""
                    {"name":"wordcount","count":4,
                     "command":["sh","-c","wc -w < $HOLON_INPUT_DIR/words.txt > $HOLON_OUTPUT_DIR/count.txt"],
                     "inputs":["/in/%s/words.txt"],"outputDir":"/out/%s/run1",
                     "resources":{"cpuMillis":%d,"memoryMiB":64,"gpus":0}}""".formatted(run, run, halfANode));

            JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(180));
            System.out.printf("staged job of 4 tasks: %s %d ms after submission%n", job.path("state").asString(),
                    Duration.between(submitted, Instant.now()).toMillis());
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("inputs").get(0).asString()).isEqualTo("/default/in/" + run + "/words.txt");
            assertThat(job.path("outputDir").asString()).isEqualTo("/default/out/" + run + "/run1");
            Map<String, Integer> tasksOnNode = new HashMap<>();
            for (JsonNode task : job.path("tasks")) {
                assertThat(task.path("attempts").size()).as("attempts of %s", task).isEqualTo(1);
                tasksOnNode.merge(task.path("nodeId").asString(), 1, Integer::sum);
            }
            System.out.printf("tasks per node: %s (input on %s, %s half taken)%n", tasksOnNode, holders, busyHolder);
            assertThat(tasksOnNode.get(freeHolder)).as("tasks on the free holder %s: %s", freeHolder, tasksOnNode)
                    .isEqualTo(2);
            assertThat(tasksOnNode.get(busyHolder)).as("tasks on the half-busy holder %s: %s", busyHolder, tasksOnNode)
                    .isEqualTo(1);
            assertThat(tasksOnNode).as("one task where the holders had no room left").hasSize(3);
            for (int index = 0; index < 4; index++) {
                Response count = api.get("/api/v1/files/default/out/" + run + "/run1/task-" + index + "/count.txt");
                assertThat(count.status()).as(count.body()).isEqualTo(200);
                assertThat(count.body().trim()).isEqualTo("9");
            }
        } finally {
            api.post("/api/v1/jobs/" + blocker + "/cancel", null);
        }
        api.awaitFinished(blocker, Duration.ofSeconds(60));
    }

    /** An input with one replica: with otherwise equal nodes, its task runs where that replica is. */
    @Test
    void aTaskRunsOnTheNodeHoldingItsInput() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl()
                        + "/api/v1/files/default/in/" + run + "/one.bin?replication=1"))
                .header("Authorization", "Bearer " + api.token())
                .header("Content-Type", "application/octet-stream").header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1 << 20])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
        JsonNode stat = api.get("/api/v1/files/default/in/" + run + "/one.bin?op=stat&replicas=true").json();
        String holder = stat.path("chunks").get(0).path("replicas").get(0).asString();

        for (int i = 0; i < 3; i++) {
            String jobId = api.submit("""
                    {"name":"near-data","command":["sh","-c","test -s $HOLON_INPUT_DIR/one.bin"],
                     "inputs":["/in/%s/one.bin"],"resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}"""
                    .formatted(run));
            JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(60));
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("tasks").get(0).path("nodeId").asString()).as("node of the task").isEqualTo(holder);
        }
    }

    @Test
    void aJobNamingAMissingInputFailsWithTheReasonAndNeverStartsItsTask() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String jobId = api.submit("""
                {"name":"no-input","command":["sh","-c","echo started"],
                 "inputs":["/in/%s/missing.txt"],"outputDir":"/out/%s",
                 "resources":{"cpuMillis":100,"memoryMiB":64,"gpus":0}}""".formatted(run, run));

        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(60));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("FAILED");
        JsonNode task = job.path("tasks").get(0);
        assertThat(task.path("reason").asString()).isEqualTo("input /default/in/" + run + "/missing.txt not found");
        assertThat(task.path("startedAt").isNull() || task.path("startedAt").isMissingNode()).as(task.toString()).isTrue();
    }
}
