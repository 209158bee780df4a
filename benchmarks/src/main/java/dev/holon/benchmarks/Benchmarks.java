package dev.holon.benchmarks;

import dev.holon.localcluster.cluster.ClusterOptions;
import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.cluster.ManagedProcess;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Whole-cluster benchmarks that print their figures (no assertions):
 * <ul>
 *   <li>{@code startup}: cold {@code holon up} (empty data) to 3 nodes UP, then the memory of every process once idle;</li>
 *   <li>{@code failure-detection}: SIGKILL a worker, time until the API shows it DOWN; 10 trials, p50 and max;</li>
 *   <li>{@code submit-latency}: 200 single-task jobs of {@code true} through the gateway in a closed loop, then 200
 *       back to back; per task, its {@code startedAt} (the worker's clock when the process started: the TaskStarted fact that makes
 *       it RUNNING) minus the moment the submit response arrived; p50, p99, max;</li>
 *   <li>{@code recovery}: 30 tasks of {@code sleep 300} all RUNNING on node-1 (the other nodes cordoned while they are
 *       placed, then uncordoned), node-1 SIGKILLed: seconds until every task is RUNNING on another node, and how
 *       many were not within 60 s (lost).</li>
 *   <li>{@code storage} (only when named, not in {@code all}): see {@link StorageBenchmark}; HDFS's side runs after
 *       Holon's, or before it with {@code storage,hdfs-first}.</li>
 * </ul>
 * Run (builds the service jars and this module with {@code -am}, installs nothing): {@code ./mvnw -q -B -DskipTests
 * -pl benchmarks,config-service,registry-service,scheduler-service,storage-service,node-worker,gateway-service -am
 * package exec:exec -Dbenchmark.args=startup} (benchmarks/README.md). The cluster lives in
 * {@code benchmarks/target/bench-cluster} on ports from 38080 ({@code -Dbenchmark.port-base}), beside any running one.
 */
public final class Benchmarks {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        Set<String> modes = Set.of((args.length == 0 ? "all" : args[0]).split(","));
        boolean storage = modes.contains("storage");
        Map<String, String> hdfs = null;
        if (storage) {
            StorageBenchmark.prepare();
            if (modes.contains("hdfs-first")) { // before the Holon cluster starts: the machine to itself too
                hdfs = StorageBenchmark.hdfs(repositoryRoot());
            }
        }
        Path home = Path.of("target", "bench-cluster").toAbsolutePath();
        deleteRecursively(home); // cold: no data, no worker ids
        long startNanos = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.start(ClusterOptions.builder().home(home).portBase(Integer.getInteger("benchmark.port-base", 11080))
                .workers(storage ? StorageBenchmark.WORKERS : 3)
                .repository(repositoryRoot()).stopOnExit(true).build())) {
            double startSeconds = (System.nanoTime() - startNanos) / 1e9;
            if (runs(modes, "startup")) {
                startup(cluster, startSeconds);
            }
            if (runs(modes, "failure-detection")) {
                failureDetection(cluster, 10);
            }
            if (runs(modes, "submit-latency")) {
                submitLatency(cluster, 200);
            }
            if (runs(modes, "recovery")) {
                recovery(cluster, 30);
            }
            if (storage) {
                StorageBenchmark.holon(cluster);
            }
        }
        if (storage) {
            if (hdfs == null) { // after the Holon cluster stopped: HDFS gets the machine to itself too
                hdfs = StorageBenchmark.hdfs(repositoryRoot());
            }
            StorageBenchmark.summary(hdfs);
        }
    }

    private static boolean runs(Set<String> modes, String mode) {
        return modes.contains(mode) || modes.contains("all");
    }

    private static void startup(LocalCluster cluster, double startSeconds) throws InterruptedException {
        System.out.printf("%nholon up, cold (empty data dirs) to 3 nodes UP: %.1f s (target <= 90 s)%n", startSeconds);
        Thread.sleep(20_000); // let start-up work settle before measuring idle memory
        long totalKiB = 0;
        System.out.println("memory once idle (PSS of each process and its children):");
        for (ManagedProcess process : cluster.processes()) {
            long kib = process.rssKiB();
            totalKiB += kib;
            System.out.printf("  %-18s %6d MiB%n", process.name(), kib / 1024);
        }
        System.out.printf("  %-18s %6d MiB (target <= 4096 MiB)%n", "total", totalKiB / 1024);
    }

    private static void failureDetection(LocalCluster cluster, int trials) throws Exception {
        String token = cluster.accessToken("admin", "holon-admin");
        List<Long> millis = new ArrayList<>();
        for (int trial = 0; trial < trials; trial++) {
            String worker = "node-" + (trial % 3 + 1);
            String zone = String.valueOf((char) ('a' + trial % 3));
            String nodeId = get(cluster, "/api/v1/nodes?label=zone=" + zone, token).path("items").get(0).path("id").asString();
            long killed = System.nanoTime();
            cluster.process(worker).kill9();
            while (!"DOWN".equals(get(cluster, "/api/v1/nodes/" + nodeId, token).path("state").asString())) {
                if (System.nanoTime() - killed > Duration.ofSeconds(60).toNanos()) {
                    throw new IllegalStateException(worker + " not DOWN after 60 s");
                }
                Thread.sleep(20);
            }
            long ms = (System.nanoTime() - killed) / 1_000_000;
            millis.add(ms);
            System.out.printf("trial %2d: %s killed -> DOWN via the API in %d ms%n", trial + 1, worker, ms);
            cluster.restart(worker);
            while (!"UP".equals(get(cluster, "/api/v1/nodes/" + nodeId, token).path("state").asString())) {
                Thread.sleep(100);
            }
            token = cluster.accessToken("admin", "holon-admin");
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%nkill -9 -> DOWN, %d trials: p50 %d ms, max %d ms (target max <= 5000 ms)%n",
                trials, sorted.get((sorted.size() - 1) / 2), sorted.getLast());
    }

    /**
     * Two runs of {@code jobs} single-task jobs: closed loop (the next submit once the previous task is RUNNING: the
     * latency one user sees) and back to back (the next submit as soon as the 201 arrives: a burst that queues).
     */
    private static void submitLatency(LocalCluster cluster, int jobs) throws Exception {
        String token = cluster.accessToken("demo", "holon-demo");
        Map<String, Instant> closedLoop = new LinkedHashMap<>();
        for (int i = 0; i < jobs; i++) {
            Map.Entry<String, Instant> job = submitTrivial(cluster, token, "closed-" + i);
            closedLoop.put(job.getKey(), job.getValue());
            awaitStarted(cluster, token, job.getKey());
        }
        report(cluster, token, closedLoop, "closed loop (each submit once the previous task runs)");
        Map<String, Instant> burst = new LinkedHashMap<>();
        for (int i = 0; i < jobs; i++) {
            Map.Entry<String, Instant> job = submitTrivial(cluster, token, "burst-" + i);
            burst.put(job.getKey(), job.getValue());
        }
        report(cluster, token, burst, "back to back (each submit as soon as the previous 201 arrived)");
    }

    private static Map.Entry<String, Instant> submitTrivial(LocalCluster cluster, String token, String name)
            throws Exception {
        String body = """
                {"name":"%s","command":["true"],"resources":{"cpuMillis":10,"memoryMiB":16,"gpus":0}}""".formatted(name);
        HttpResponse<String> created = send(cluster, "POST", "/api/v1/jobs", token, body);
        while (created.statusCode() == 429) { // the gateway's per-user rate limit: wait as it says
            Thread.sleep(1000L * Long.parseLong(created.headers().firstValue("Retry-After").orElse("1")));
            created = send(cluster, "POST", "/api/v1/jobs", token, body);
        }
        Instant now = Instant.now();
        if (created.statusCode() != 201) {
            throw new IllegalStateException("submit " + name + ": " + created.statusCode() + " " + created.body());
        }
        return Map.entry(JSON.readTree(created.body()).path("id").asString(), now);
    }

    private static JsonNode awaitStarted(LocalCluster cluster, String token, String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode task = get(cluster, "/api/v1/jobs/" + jobId, token).path("tasks").path(0);
        while (!task.path("startedAt").isString()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + jobId + " not started after 120 s: " + task);
            }
            Thread.sleep(25);
            task = get(cluster, "/api/v1/jobs/" + jobId, token).path("tasks").path(0);
        }
        return task;
    }

    private static void report(LocalCluster cluster, String token, Map<String, Instant> answeredAt, String how)
            throws Exception {
        List<Long> millis = new ArrayList<>();
        List<Long> toScheduled = new ArrayList<>();
        for (Map.Entry<String, Instant> job : answeredAt.entrySet()) {
            JsonNode task = awaitStarted(cluster, token, job.getKey());
            millis.add(Duration.between(job.getValue(), Instant.parse(task.path("startedAt").asString())).toMillis());
            JsonNode scheduledAt = task.path("attempts").path(0).path("scheduledAt");
            if (scheduledAt.isString()) {
                toScheduled.add(Duration.between(job.getValue(), Instant.parse(scheduledAt.asString())).toMillis());
            }
        }
        List<Long> sorted = millis.stream().sorted().toList();
        List<Long> placed = toScheduled.stream().sorted().toList();
        System.out.printf("%nsubmit response -> RUNNING (task startedAt), %d single-task jobs, %s: p50 %d ms, p99 %d ms,"
                        + " max %d ms (targets p50 <= 100 ms, p99 <= 500 ms); submit response -> placed: p50 %d ms,"
                        + " p99 %d ms%n", answeredAt.size(), how, percentile(sorted, 50), percentile(sorted, 99),
                sorted.getLast(), percentile(placed, 50), percentile(placed, 99));
    }

    private static void recovery(LocalCluster cluster, int tasks) throws Exception {
        String admin = cluster.accessToken("admin", "holon-admin");
        String token = cluster.accessToken("demo", "holon-demo");
        String victim = nodeIdOfZone(cluster, "a", admin);
        List<String> others = List.of(nodeIdOfZone(cluster, "b", admin), nodeIdOfZone(cluster, "c", admin));
        for (String other : others) {
            send(cluster, "POST", "/api/v1/nodes/" + other + "/cordon", admin, null);
        }
        Thread.sleep(2_000); // the cordons reach the scheduler as events: let them land before the submit
        HttpResponse<String> created = send(cluster, "POST", "/api/v1/jobs", token, """
                {"name":"recovery","command":["sleep","300"],"maxRetries":3,"count":%d,
                 "resources":{"cpuMillis":10,"memoryMiB":16,"gpus":0}}""".formatted(tasks));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("submit: " + created.statusCode() + " " + created.body());
        }
        String jobId = JSON.readTree(created.body()).path("id").asString();
        awaitTasks(cluster, jobId, token, Duration.ofSeconds(120), task -> "RUNNING".equals(task.path("state").asString())
                && victim.equals(task.path("nodeId").asString()), "all RUNNING on node-1");
        for (String other : others) {
            send(cluster, "POST", "/api/v1/nodes/" + other + "/uncordon", admin, null);
        }
        long killed = System.nanoTime();
        cluster.process("node-1").kill9();
        int moved = awaitTasks(cluster, jobId, token, Duration.ofSeconds(60),
                task -> "RUNNING".equals(task.path("state").asString()) && !victim.equals(task.path("nodeId").asString()),
                null);
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("%nrecovery: %d tasks RUNNING on node-1, SIGKILLed: %d RUNNING elsewhere after %.1f s, %d lost"
                + " (targets <= 10 s, 0 lost)%n", tasks, moved, seconds, tasks - moved);
        send(cluster, "POST", "/api/v1/jobs/" + jobId + "/cancel", token, null);
        cluster.restart("node-1");
    }

    /**
     * Waits until every task satisfies {@code done} and returns their number; at the deadline, throws when
     * {@code failure} names what was awaited, else returns how many did.
     */
    private static int awaitTasks(LocalCluster cluster, String jobId, String token, Duration atMost,
                                  Predicate<JsonNode> done, String failure) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            JsonNode tasks = get(cluster, "/api/v1/jobs/" + jobId, token).path("tasks");
            int count = 0;
            for (JsonNode task : tasks) {
                count += done.test(task) ? 1 : 0;
            }
            if (count == tasks.size() && count > 0) {
                return count;
            }
            if (System.nanoTime() > deadline) {
                if (failure != null) {
                    throw new IllegalStateException("job " + jobId + " not " + failure + " after " + atMost.toSeconds()
                            + " s: " + tasks);
                }
                return count;
            }
            Thread.sleep(20);
        }
    }

    private static String nodeIdOfZone(LocalCluster cluster, String zone, String token) throws Exception {
        JsonNode nodes = get(cluster, "/api/v1/nodes", token);
        for (JsonNode node : nodes.path("items")) {
            if (zone.equals(node.path("labels").path("zone").asString())) {
                return node.path("id").asString();
            }
        }
        throw new IllegalStateException("no node in zone " + zone + ": " + nodes);
    }

    /** Nearest-rank percentile of sorted figures. */
    private static long percentile(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static HttpResponse<String> send(LocalCluster cluster, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(LocalCluster cluster, String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the Holon repository");
        }
        return dir;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
