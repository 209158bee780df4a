package dev.holon.benchmarks;

import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.cluster.ManagedProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code storage}: Holon's file storage side by side with HDFS, same data, same machine, one run (figures, no
 * assertions).
 * <ul>
 *   <li>Holon (the benchmark's local cluster): one 512 MiB file of random bytes, replication 3, uploaded through
 *       the gateway ({@code PUT /api/v1/files/default/bench/big.bin}, streamed from a file, {@code If-None-Match: *},
 *       as {@code demo}), then downloaded (streamed, SHA-256 checked): MiB/s for each, the CPU seconds every
 *       process spent on it (where the time goes) and the load average. Then repair: a 64 MiB file with
 *       replication 2, one worker holding replicas SIGKILLed, seconds until {@code ?op=stat&replicas=true} shows
 *       every chunk with 2 replicas on live nodes again. Before the timed runs, 64 MiB are written and read once,
 *       untimed (JIT warm-up; HDFS's side does the same).</li>
 *   <li>HDFS: once the Holon cluster is stopped, {@code benchmarks-hdfs} in its own JVM with its own classpath
 *       (Hadoop's dependency set, away from Boot 4's): MiniDFSCluster with 3 DataNodes, the same file, replication 3,
 *       one client: write and read MiB/s, by default and with fsync per block.</li>
 * </ul>
 */
final class StorageBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long BIG_BYTES = 512L << 20;
    private static final long REPAIR_BYTES = 64L << 20;
    private static final int BUFFER = 1 << 20;
    private static final Path WORK = Path.of("target", "storage-bench").toAbsolutePath();

    /** Holon's figures, printed again beside HDFS's at the end. */
    private static final Map<String, String> HOLON = new LinkedHashMap<>();
    private static String bigSha;

    private StorageBenchmark() {
    }

    static void holon(LocalCluster cluster) throws Exception {
        Files.createDirectories(WORK);
        Path big = WORK.resolve("big.bin");
        bigSha = generate(big, BIG_BYTES, 512);
        Path small = WORK.resolve("repair.bin");
        generate(small, REPAIR_BYTES, 64);
        Thread.sleep(10_000); // let the freshly started cluster settle
        String token = cluster.accessToken("demo", "holon-demo");
        String path = "/api/v1/files/default/bench/big.bin";

        // warm-up (untimed), as on HDFS's side: 64 MiB written and read once
        String warmUp = "/api/v1/files/default/bench/warm-up.bin";
        HttpResponse<String> warm = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + warmUp))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofFile(small)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (warm.statusCode() != 201) {
            throw new IllegalStateException("warm-up upload: " + warm.statusCode() + " " + warm.body());
        }
        HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + warmUp)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.discarding());
        send(cluster, "DELETE", warmUp, token);

        System.out.printf("%nstorage (Holon): %d MiB, replication 3, one client, through the gateway; load average"
                + " before: %s%n", BIG_BYTES >> 20, loadAverage());
        Map<String, Long> cpu = cpuTicks(cluster);
        long started = System.nanoTime();
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path + "?replication=3"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofFile(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        long writeNanos = System.nanoTime() - started;
        if (put.statusCode() != 201) {
            throw new IllegalStateException("upload: " + put.statusCode() + " " + put.body());
        }
        double write = mibPerSecond(BIG_BYTES, writeNanos);
        System.out.printf("  write: %.1f MiB/s (%.1f s); load average after: %s%n", write, writeNanos / 1e9, loadAverage());
        printCpu(cluster, cpu, writeNanos);

        cpu = cpuTicks(cluster);
        started = System.nanoTime();
        HttpResponse<InputStream> get = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long total = 0;
        try (InputStream in = get.body()) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                total += n;
            }
        }
        long readNanos = System.nanoTime() - started;
        String actual = HexFormat.of().formatHex(sha.digest());
        if (get.statusCode() != 200 || total != BIG_BYTES || !actual.equals(bigSha)) {
            throw new IllegalStateException("download: " + get.statusCode() + ", " + total + " bytes, SHA-256 " + actual
                    + "; expected " + BIG_BYTES + " bytes, " + bigSha);
        }
        double read = mibPerSecond(BIG_BYTES, readNanos);
        System.out.printf("  read: %.1f MiB/s (%.1f s, SHA-256 ok); load average after: %s%n", read, readNanos / 1e9,
                loadAverage());
        printCpu(cluster, cpu, readNanos);
        JsonNode stat = stat(cluster, token, path);
        System.out.printf("  stat: %d chunks, replicas per chunk: %s%n", stat.path("chunks").size(),
                replicaCounts(stat, null));
        HOLON.put("write", "%.1f".formatted(write));
        HOLON.put("read", "%.1f".formatted(read));

        // repair: without the big file, so only the 64 MiB file is under-replicated after the kill
        send(cluster, "DELETE", path, token);
        Thread.sleep(10_000); // its chunks are deleted from the workers by the next repair passes
        repair(cluster);
    }

    private static void repair(LocalCluster cluster) throws Exception {
        Path small = WORK.resolve("repair.bin");
        String token = cluster.accessToken("demo", "holon-demo");
        String admin = cluster.accessToken("admin", "holon-admin");
        String path = "/api/v1/files/default/bench/repair.bin";
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path + "?replication=2"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofFile(small)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("upload repair.bin: " + put.statusCode() + " " + put.body());
        }
        // wait until the write's missing replicas (if any) are repaired, so the kill starts from a healthy file
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!allReplicated(stat(cluster, token, path), 2, null) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        JsonNode stat = stat(cluster, token, path);
        Map<String, Integer> perNode = new HashMap<>();
        for (JsonNode chunk : stat.path("chunks")) {
            for (JsonNode replica : chunk.path("replicas")) {
                perNode.merge(replica.asString(), 1, Integer::sum);
            }
        }
        String victimId = perNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String victim = processOf(cluster, admin, victimId);
        System.out.printf("%nstorage repair (Holon): %d MiB, replication 2, %d chunks; %s holds %d of them; SIGKILL it;"
                        + " load average before: %s%n", REPAIR_BYTES >> 20, stat.path("chunks").size(), victim,
                perNode.get(victimId), loadAverage());
        long killed = System.nanoTime();
        cluster.process(victim).kill9();
        double downSeconds = -1;
        deadline = killed + Duration.ofSeconds(180).toNanos();
        while (true) {
            if (downSeconds < 0 && "DOWN".equals(get(cluster, admin, "/api/v1/nodes/" + victimId).path("state").asString())) {
                downSeconds = (System.nanoTime() - killed) / 1e9;
            }
            stat = stat(cluster, token, path);
            if (allReplicated(stat, 2, victimId)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                System.out.printf("  not repaired after 180 s: replicas on live nodes per chunk %s%n",
                        replicaCounts(stat, victimId));
                HOLON.put("repair", "not within 180 s");
                return;
            }
            Thread.sleep(100);
        }
        double repairSeconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("  every chunk back to 2 replicas on live nodes %.1f s after the SIGKILL (DOWN in the registry"
                + " after %.1f s, so %.1f s of copying); load average after: %s%n", repairSeconds, downSeconds,
                repairSeconds - downSeconds, loadAverage());
        HOLON.put("repair", "%.1f s (DOWN after %.1f s)".formatted(repairSeconds, downSeconds));
        HOLON.put("repair-victim", victim + " with " + perNode.get(victimId) + " of " + stat.path("chunks").size()
                + " chunks");
    }

    /** Runs the HDFS side in its own JVM and prints both sides together. */
    static void hdfsAndSummary(Path repository) throws Exception {
        Path target = repository.resolve("benchmarks-hdfs").resolve("target");
        Path classpathFile = target.resolve("hdfs-classpath.txt");
        Map<String, String> hdfs = new HashMap<>();
        if (bigSha == null) {
            System.out.println("storage: the Holon side did not run; no HDFS run either");
            return;
        }
        if (!Files.isRegularFile(classpathFile)) {
            System.out.println("storage (HDFS): " + classpathFile + " missing: build benchmarks-hdfs (the command in"
                    + " benchmarks/README.md builds it with -am)");
        } else {
            Path hdfsWork = WORK.resolve("hdfs");
            deleteRecursively(hdfsWork);
            String classpath = target.resolve("classes") + java.io.File.pathSeparator
                    + Files.readString(classpathFile).trim();
            Path log = WORK.resolve("hdfs.log");
            System.out.printf("%nstorage (HDFS): MiniDFSCluster, 3 DataNodes, own JVM (log: %s); load average before: %s%n",
                    log, loadAverage());
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx2g", "-cp", classpath, "dev.holon.benchmarks.hdfs.HdfsBenchmark",
                    WORK.resolve("big.bin").toString(), bigSha, hdfsWork.toString())
                    .redirectError(log.toFile()).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("RESULT ")) {
                        for (String pair : line.substring(7).split(" ")) {
                            String[] kv = pair.split("=", 2);
                            hdfs.put(kv[0], kv[1]);
                        }
                    } else {
                        System.out.println("  " + line);
                    }
                }
            }
            int exit = process.waitFor();
            System.out.printf("  load average after: %s%s%n", loadAverage(), exit == 0 ? "" : "; exit " + exit + ", see " + log);
        }
        System.out.printf("%nstorage, %d MiB, replication 3, one client, same file, same machine (MiB/s):%n", BIG_BYTES >> 20);
        System.out.printf("  %-34s %8s %8s%n", "", "write", "read");
        System.out.printf("  %-34s %8s %8s%n", "Holon (gateway, fsync per chunk)", HOLON.get("write"), HOLON.get("read"));
        System.out.printf("  %-34s %8s %8s%n", "HDFS (default, no fsync)", hdfs.getOrDefault("write", "-"),
                hdfs.getOrDefault("read", "-"));
        System.out.printf("  %-34s %8s %8s%n", "HDFS (SYNC_BLOCK, fsync per block)", hdfs.getOrDefault("writeSync", "-"),
                hdfs.getOrDefault("readSync", "-"));
        if (hdfs.containsKey("write")) {
            System.out.printf("  %-34s %7.2fx %7.2fx%n", "Holon / HDFS (default)",
                    Double.parseDouble(HOLON.get("write")) / Double.parseDouble(hdfs.get("write")),
                    Double.parseDouble(HOLON.get("read")) / Double.parseDouble(hdfs.get("read")));
            System.out.printf("  %-34s %7.2fx %7.2fx%n", "Holon / HDFS (SYNC_BLOCK)",
                    Double.parseDouble(HOLON.get("write")) / Double.parseDouble(hdfs.get("writeSync")),
                    Double.parseDouble(HOLON.get("read")) / Double.parseDouble(hdfs.get("readSync")));
        }
        System.out.printf("  Holon repair, 64 MiB at replication 2, %s SIGKILLed: %s%n",
                HOLON.getOrDefault("repair-victim", "a worker"), HOLON.getOrDefault("repair", "-"));
    }

    // ---------------------------------------------------------------- helpers

    /** Writes {@code bytes} random bytes (seeded: the same data every run) and returns their SHA-256. */
    private static String generate(Path file, long bytes, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < bytes; written += buffer.length) {
                random.nextBytes(buffer);
                sha.update(buffer);
                out.write(buffer);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static boolean allReplicated(JsonNode stat, int replication, String deadNode) {
        if (stat.path("chunks").isEmpty()) {
            return false;
        }
        for (JsonNode chunk : stat.path("chunks")) {
            if (live(chunk, deadNode) < replication) {
                return false;
            }
        }
        return true;
    }

    private static int live(JsonNode chunk, String deadNode) {
        int live = 0;
        for (JsonNode replica : chunk.path("replicas")) {
            live += replica.asString().equals(deadNode) ? 0 : 1;
        }
        return live;
    }

    /** "replicas → number of chunks", e.g. {3=64}. */
    private static Map<Integer, Integer> replicaCounts(JsonNode stat, String deadNode) {
        Map<Integer, Integer> counts = new java.util.TreeMap<>();
        for (JsonNode chunk : stat.path("chunks")) {
            counts.merge(live(chunk, deadNode), 1, Integer::sum);
        }
        return counts;
    }

    private static String processOf(LocalCluster cluster, String admin, String nodeId) throws Exception {
        String apiUrl = get(cluster, admin, "/api/v1/nodes/" + nodeId).path("apiUrl").asString();
        int port = URI.create(apiUrl).getPort();
        for (int n = 1; n <= cluster.options().workers(); n++) {
            if (cluster.workerPort(n) == port) {
                return "node-" + n;
            }
        }
        throw new IllegalStateException("no worker process serves " + apiUrl);
    }

    private static JsonNode stat(LocalCluster cluster, String token, String path) throws Exception {
        return get(cluster, token, path + "?op=stat&replicas=true");
    }

    private static JsonNode get(LocalCluster cluster, String token, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static void send(LocalCluster cluster, String method, String path, String token) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** CPU clock ticks (user + system) of each process of the cluster and of this benchmark JVM (the client). */
    private static Map<String, Long> cpuTicks(LocalCluster cluster) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        ticks.put("client (this JVM)", ticks(ProcessHandle.current().pid()));
        for (ManagedProcess process : cluster.processes()) {
            ticks.put(process.name(), ticks(process.mainPid()));
        }
        return ticks;
    }

    private static void printCpu(LocalCluster cluster, Map<String, Long> before, long nanos) {
        Map<String, Long> after = cpuTicks(cluster);
        List<String> parts = new ArrayList<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), e.getValue())))
                .filter(e -> e.getValue() >= 10)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> parts.add("%s %.1f".formatted(e.getKey(), e.getValue() / 100.0)));
        System.out.printf("  CPU seconds in those %.1f s (2 cores = %.1f available): %s%n", nanos / 1e9, 2 * nanos / 1e9,
                String.join(", ", parts));
    }

    /** utime + stime of a process from /proc (clock ticks, 100 per second); 0 when unreadable. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
