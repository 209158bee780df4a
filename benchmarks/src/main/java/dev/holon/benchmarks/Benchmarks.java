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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whole-cluster benchmarks that print their figures (no assertions):
 * <ul>
 *   <li>{@code startup}: cold {@code holon up} (empty data) to 3 nodes UP, then the memory of every process once idle;</li>
 *   <li>{@code failure-detection}: SIGKILL a worker, time until the API shows it DOWN; 10 trials, p50 and max.</li>
 * </ul>
 * Run: {@code ./mvnw -q -B install -DskipTests && ./mvnw -q -B -pl benchmarks exec:exec -Dbenchmark.args=startup}.
 * The cluster lives in {@code benchmarks/target/bench-cluster} on ports from 38080, beside any running one.
 */
public final class Benchmarks {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        Path home = Path.of("target", "bench-cluster").toAbsolutePath();
        deleteRecursively(home); // cold: no data, no worker ids
        long startNanos = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.start(ClusterOptions.builder().home(home).portBase(38080)
                .repository(repositoryRoot()).stopOnExit(true).build())) {
            double startSeconds = (System.nanoTime() - startNanos) / 1e9;
            if (which.equals("startup") || which.equals("all")) {
                startup(cluster, startSeconds);
            }
            if (which.equals("failure-detection") || which.equals("all")) {
                failureDetection(cluster, 10);
            }
        }
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

    private static JsonNode get(LocalCluster cluster, String path, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token).build();
        return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private static Path repositoryRoot() {
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
