package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.systemtests.ClusterApi.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failures on a local cluster with two scheduler replicas (gateway and workers know both): a worker SIGKILLed
 * under a running task array, the scheduler leader SIGKILLed with tasks waiting to be placed, a node drained, the
 * broker and then the database restarted under running work. Every job still succeeds, and no task ever runs two
 * attempts at once. The scenarios share one cluster and run in order, each disturbing the next as little as
 * possible: drain first (it needs all three nodes), then the worker kill, the leader kill (the killed replica stalls
 * its Kafka consumer group for a while), the infrastructure restarts last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverSystemIT {

    static LocalCluster cluster;
    static ClusterApi api;
    static ClusterApi admin;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-failover", 14080).schedulerReplicas(2).build());
        api = ClusterApi.demoOnceThreeNodesAreUp(cluster);
        admin = new ClusterApi(cluster, cluster.accessToken("admin", "holon-admin"));
    }


    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(2)
    void aWorkerKilledUnderA30TaskArrayLosesNoTaskForGood() {
        Map<String, Integer> workerOfNode = api.workerOfNode();
        String jobId = api.submit("""
                {"name":"survivor","command":["sh","-c","sleep 10"],"maxRetries":2,
                 "resources":{"cpuMillis":50,"memoryMiB":16,"gpus":0},"count":30,"strategy":"SPREAD"}""");
        JsonNode running = api.awaitAllRunning(jobId, Duration.ofSeconds(60));
        // The worker with the most of the job's tasks is killed.
        Map<String, List<Integer>> tasksOnNode = new TreeMap<>();
        for (JsonNode task : running.path("tasks")) {
            tasksOnNode.computeIfAbsent(task.path("nodeId").asString(), node -> new ArrayList<>())
                    .add(task.path("index").asInt());
        }
        String victimNode = tasksOnNode.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                .orElseThrow().getKey();
        List<Integer> onVictim = tasksOnNode.get(victimNode);
        String victim = "node-" + workerOfNode.get(victimNode);
        Watch watch = Watch.currentAttempts(jobId);

        cluster.process(victim).kill9();
        JsonNode job;
        try {
            job = api.awaitFinished(jobId, Duration.ofSeconds(120));
        } finally {
            watch.stop();
            cluster.restart(victim);
        }
        System.out.printf("30 x 10 s tasks, %s SIGKILLed under %d of them: job %s%n", victim, onVictim.size(),
                job.path("state").asString());
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        for (JsonNode task : job.path("tasks")) {
            assertThat(task.path("state").asString()).as(task.toString()).isEqualTo("SUCCEEDED");
            if (onVictim.contains(task.path("index").asInt())) {
                JsonNode attempts = task.path("attempts");
                assertThat(attempts.size()).as("attempts of %s", task).isGreaterThanOrEqualTo(2);
                JsonNode lost = attempts.get(0);
                assertThat(lost.path("state").asString()).as(task.toString()).isEqualTo("LOST");
                assertThat(ClusterApi.nodeOf(lost)).isEqualTo(victimNode);
                JsonNode last = attempts.get(attempts.size() - 1);
                assertThat(last.path("state").asString()).as(task.toString()).isEqualTo("SUCCEEDED");
                assertThat(ClusterApi.nodeOf(last)).isNotEqualTo(victimNode);
            }
        }
        assertThat(watch.violations()).as("tasks with two current attempts").isEmpty();
    }

    @Test
    @Order(3)
    void placementResumesWithin5sAfterTheSchedulerLeaderIsKilled() {
        String leader = leader();
        System.out.println("scheduler leader: " + leader);
        long killed = System.nanoTime();
        cluster.process(leader).kill9();
        try {
            placementResumesAfterTheKill(leader, killed);
        } finally {
            cluster.restart(leader);
        }
    }

    private static void placementResumesAfterTheKill(String leader, long killed) {
        // Submitted right after the kill: the gateway sends it to the surviving replica; its tasks wait for a leader.
        String jobId = api.submit("""
                {"name":"after-leader","command":["sh","-c","sleep 2"],
                 "resources":{"cpuMillis":50,"memoryMiB":16,"gpus":0},"count":6,"strategy":"SPREAD"}""");
        Watch watch = Watch.currentAttempts(jobId);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (JsonNode task : api.job(jobId).path("tasks")) {
                if (task.path("nodeId").isNull() || task.path("nodeId").isMissingNode()) {
                    return false;
                }
            }
            return true;
        });
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("leader %s SIGKILLed -> every task of a job submitted right after placed: %.2f s (target <= 5 s)%n",
                leader, seconds);
        JsonNode job = api.awaitFinished(jobId, Duration.ofSeconds(60));
        watch.stop();

        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(seconds).as("seconds from the leader's death to placement").isLessThanOrEqualTo(5.0);
        assertThat(watch.violations()).as("tasks with two current attempts").isEmpty();
        assertThat(leader()).as("the surviving replica leads").isNotEqualTo(leader);
    }

    @Test
    @Order(1)
    void drainingANodeMovesItsTasksAndTheJobStillSucceeds() {
        String jobId = api.submit("""
                {"name":"drain-me","command":["sh","-c","sleep 8"],"maxRetries":2,
                 "resources":{"cpuMillis":50,"memoryMiB":16,"gpus":0},"count":6,"strategy":"SPREAD"}""");
        JsonNode running = api.awaitAllRunning(jobId, Duration.ofSeconds(60));
        // The node with the most of the job's tasks is drained.
        Map<String, List<Integer>> tasksOnNode = new TreeMap<>();
        for (JsonNode task : running.path("tasks")) {
            tasksOnNode.computeIfAbsent(task.path("nodeId").asString(), node -> new ArrayList<>())
                    .add(task.path("index").asInt());
        }
        String drained = tasksOnNode.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                .orElseThrow().getKey();
        List<Integer> onDrained = tasksOnNode.get(drained);
        System.out.printf("drain: the job's tasks per node %s; draining %s%n", tasksOnNode, drained);
        Watch watch = Watch.currentAttempts(jobId);

        Response drain = admin.post("/api/v1/nodes/" + drained + "/drain", null);
        JsonNode job;
        try {
            assertThat(drain.status()).as(drain.body()).isBetween(200, 299);
            job = api.awaitFinished(jobId, Duration.ofSeconds(90));
        } finally {
            watch.stop();
            admin.post("/api/v1/nodes/" + drained + "/uncordon", null);
        }
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        for (JsonNode task : job.path("tasks")) {
            if (onDrained.contains(task.path("index").asInt())) {
                assertThat(task.path("nodeId").asString()).as("moved off the drained node: " + task).isNotEqualTo(drained);
            }
        }
        assertThat(watch.violations()).as("tasks with two current attempts").isEmpty();
    }

    @Test
    @Order(4)
    void kafkaAndThenPostgresqlRestartedUnderRunningTasksDelayWorkButLoseNone() {
        String job = """
                {"name":"%s","command":["sh","-c","sleep 6"],
                 "resources":{"cpuMillis":50,"memoryMiB":16,"gpus":0},"count":12,"strategy":"SPREAD"}""";
        List<String> jobs = new ArrayList<>();
        api.awaitNodesUp(3, Duration.ofSeconds(60));
        // Heartbeats cannot be recorded while either is away, so nodes may turn SUSPECT; none may be declared DOWN.
        Watch nodes = Watch.downNodes();
        try {
            for (String infrastructure : List.of("kafka", "postgres")) {
                String running = api.submit(job.formatted("under-" + infrastructure + "-restart"));
                api.awaitAllRunning(running, Duration.ofSeconds(60));
                jobs.add(running);
                Watch attempts = Watch.currentAttempts(running);
                long started = System.nanoTime();
                cluster.process(infrastructure).stop(Duration.ofSeconds(15));
                if (infrastructure.equals("kafka")) {
                    // Accepted by the scheduler while the broker is away: its assignments wait in the outbox.
                    jobs.add(api.submit(job.formatted("submitted-without-kafka")));
                } else {
                    Response refused = api.post("/api/v1/jobs", job.formatted("submitted-without-postgres"));
                    System.out.printf("submit while PostgreSQL is down: %d %s %s%n", refused.status(),
                            refused.contentType(), refused.body());
                    assertThat(refused.status()).as("a submit the scheduler cannot store: " + refused.body())
                            .isEqualTo(503);
                    assertThat(refused.contentType()).isEqualTo("application/problem+json");
                    assertThat(refused.body()).as("the scheduler's own answer, not the gateway's timeout")
                            .contains("cannot reach its database");
                }
                cluster.restart(infrastructure);
                System.out.printf("%s stopped and started again in %.1f s%n", infrastructure,
                        (System.nanoTime() - started) / 1e9);
                api.awaitFinished(running, Duration.ofSeconds(120));
                attempts.stop();
                assertThat(attempts.violations()).as("tasks with two current attempts").isEmpty();
            }
            int lost = 0;
            for (String id : jobs) {
                JsonNode finished = api.awaitFinished(id, Duration.ofSeconds(120));
                assertThat(finished.path("state").asString()).as(finished.toString()).isEqualTo("SUCCEEDED");
                for (JsonNode task : finished.path("tasks")) {
                    for (JsonNode attempt : task.path("attempts")) {
                        lost += "LOST".equals(attempt.path("state").asString()) ? 1 : 0;
                    }
                }
            }
            System.out.printf("Kafka and PostgreSQL restarted under running tasks: %d jobs SUCCEEDED, %d attempts"
                    + " LOST%n", jobs.size(), lost);
            assertThat(lost).as("attempts lost to an infrastructure restart (no machine died)").isZero();
            long settling = System.nanoTime();
            api.awaitNodesUp(3, Duration.ofSeconds(30));
            System.out.printf("all 3 nodes UP %.1f s after the last job ended%n", (System.nanoTime() - settling) / 1e9);
        } finally {
            nodes.stop();
        }
        assertThat(nodes.violations()).as("nodes declared DOWN though no machine died").isEmpty();
    }

    /** The process name of the replica whose /actuator/health/leadership says it leads. */
    private static String leader() {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> names = cluster.schedulerNames();
            List<String> urls = cluster.schedulerUrls();
            for (int i = 0; i < names.size(); i++) {
                if (!cluster.process(names.get(i)).isAlive()) {
                    continue;
                }
                try {
                    Response health = ClusterApi.send("GET", urls.get(i) + "/actuator/health/leadership", null, null);
                    if (health.status() == 200 && health.json().path("details").path("leader").asBoolean()) {
                        return names.get(i);
                    }
                } catch (IllegalStateException notAnswering) {
                    // starting or gone
                }
            }
            return null;
        }, name -> name != null);
    }

    /**
     * Polls the cluster while a scenario runs and keeps everything wrong it saw: a task with more than one current
     * attempt (two attempts neither of which has ended: at most one attempt of a task may ever run), or a node the
     * registry declared DOWN.
     */
    static final class Watch {
        private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "LOST");
        private final Set<String> violations = new CopyOnWriteArraySet<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        private Watch(Supplier<List<String>> look) {
            thread = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    try {
                        violations.addAll(look.get());
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException | AssertionError e) {
                        // a replica restarting: look again
                    }
                }
            });
        }

        static Watch currentAttempts(String jobId) {
            return new Watch(() -> tasksWithTwoCurrentAttempts(api.job(jobId)));
        }

        static Watch downNodes() {
            return new Watch(() -> {
                Response listing = api.get("/api/v1/nodes?state=DOWN");
                if (listing.status() != 200) {
                    return List.of();
                }
                List<String> down = new ArrayList<>();
                listing.json().path("items").forEach(node -> down.add(node.path("id").asString() + " DOWN"));
                return down;
            });
        }

        private static List<String> tasksWithTwoCurrentAttempts(JsonNode job) {
            List<String> found = new ArrayList<>();
            for (JsonNode task : job.path("tasks")) {
                List<String> current = new ArrayList<>();
                for (JsonNode attempt : task.path("attempts")) {
                    String state = attempt.path("state").asString();
                    if (!ENDED.contains(state) && !"PENDING".equals(state)) {
                        current.add(state + " on " + ClusterApi.nodeOf(attempt));
                    }
                }
                if (current.size() > 1) {
                    found.add("task " + task.path("index").asInt() + ": " + current);
                }
            }
            return found;
        }

        List<String> violations() {
            return List.copyOf(violations);
        }

        void stop() {
            running.set(false);
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
