package dev.holon.benchmarks;

import dev.holon.cli.files.DirectTransfer;
import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.cluster.ManagedProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.zip.CRC32C;

/**
 * {@code storage}: Holon's file storage side by side with HDFS, same data, same machine, one run (figures, no
 * assertions). The throughput phases run on 3 workers, as HDFS's on 3 DataNodes; a fourth, enrolled at start and
 * stopped until then, joins for the repair, so that a lost node's third replicas have somewhere to go.
 * <ul>
 *   <li>Holon, one client, as {@code demo}: one 1 GiB file of random bytes, replication 3, written and read back
 *       (SHA-256 checked) over the direct data path ({@link DirectTransfer}, what {@code holon files put/get} use:
 *       the bytes go between the client and the workers, storage-service plans and commits; five rounds, the median
 *       counts, as on HDFS's side) and, for comparison, once
 *       through the gateway (every byte through gateway and storage-service); MiB/s, and the CPU seconds of every
 *       process. Then 1,000 files of 1 MiB written one after another, both ways, and read back: directly as
 *       {@code holon files get -r} reads a directory (a page of files located per call, chunks fetched ahead across
 *       files), directly one file after another, and through the gateway: MiB/s and files/s.
 *       Then repair, as HDFS's side does it on a cluster of 4: the files are deleted, the fourth worker joins, the
 *       1 GiB file and the 1,000 small ones are written again (over 1 GiB on each node), and the worker holding the
 *       most bytes is SIGKILLed: seconds until the registry says DOWN and until every chunk has 3 replicas on live nodes
 *       ({@code ?op=stat&replicas=true} of every file not yet whole, polled). Before, untimed (JIT warm-up; HDFS's
 *       side does the same): a 256 MiB file written and read once through the gateway; 200 of the small files written
 *       and read once through the gateway and five times directly; then the 1 GiB file written, read and deleted
 *       twice directly.</li>
 *   <li>HDFS: once the Holon cluster is stopped, {@code benchmarks-hdfs} in its own JVM with its own classpath
 *       (Hadoop's dependency set, away from Boot 4's): MiniDFSCluster with 3 DataNodes, the same files, replication 3,
 *       one client; and its repair time on 4 DataNodes with heartbeat and recheck intervals set low.</li>
 * </ul>
 */
final class StorageBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final com.fasterxml.jackson.databind.ObjectMapper CLIENT_JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final long BIG_BYTES = 1L << 30;
    private static final long WARM_UP_BYTES = 256L << 20;
    /** How often the 1 GiB file is written and read, untimed, before the timed rounds (as on HDFS's side). */
    static final int WARM_UP_BIG_ROUNDS = 2;
    private static final int WARM_UP_SMALL_FILES = 200;
    /** How often the small warm-up files are written and read directly (HdfsBenchmark does as many rounds). */
    private static final int WARM_UP_ROUNDS = 5;
    /** How often the 1 GiB file is written and read directly (as on HDFS's side); the median is the figure. */
    private static final int BIG_ROUNDS = 5;
    private static final int SMALL_FILES = 1000;
    private static final int SMALL_BYTES = 1 << 20;
    private static final int BUFFER = 1 << 20;
    private static final Path WORK = Path.of("target", "storage-bench").toAbsolutePath();
    private static final String DIR = "/api/v1/files/default/bench";

    /** Holon's figures, printed again beside HDFS's at the end. */
    private static final Map<String, String> HOLON = new LinkedHashMap<>();
    private static String bigSha;

    private StorageBenchmark() {
    }

    /** Workers the storage benchmark's cluster starts: {@link #SPARE} waits stopped until the repair. */
    static final int WORKERS = 4;
    private static final String SPARE = "node-" + WORKERS;

    /** Writes the data both sides use (seeded: the same bytes every run). */
    static void prepare() throws Exception {
        Files.createDirectories(WORK);
        bigSha = generate(WORK.resolve("big.bin"), BIG_BYTES, 512);
        generate(WORK.resolve("warm-up.bin"), WARM_UP_BYTES, 64);
        Path smallDir = WORK.resolve("small");
        Files.createDirectories(smallDir);
        for (int i = 0; i < SMALL_FILES; i++) {
            generate(smallDir.resolve(smallName(i)), SMALL_BYTES, 10_000 + i);
        }
    }

    /** Holon's side, on {@code cluster}, once {@link #prepare()} wrote the data. */
    static void holon(LocalCluster cluster) throws Exception {
        Path big = WORK.resolve("big.bin");
        Path warm = WORK.resolve("warm-up.bin");
        Path smallDir = WORK.resolve("small");
        String admin = cluster.accessToken("admin", "holon-admin");
        String spare = nodeIdOf(cluster, admin, WORKERS);
        cluster.process(SPARE).stop(Duration.ofSeconds(30));
        awaitState(cluster, admin, spare, "DOWN"); // no longer a placement target
        Thread.sleep(10_000); // let the freshly started cluster settle
        String token = cluster.accessToken("demo", "holon-demo");
        DirectTransfer direct = new DirectTransfer(namespace(cluster, token), 4);

        // Warm-up (untimed), as on HDFS's side: 256 MiB written and read once through the gateway, the first 200 small
        // files once through the gateway and five times directly, then the 1 GiB file written, read and deleted
        // WARM_UP_BIG_ROUNDS times directly. The data-path services run on the full JIT, which takes a few thousand
        // requests to compile their hot paths: in the 2026-12-03 13:51 run, after a 256 MiB direct warm-up, each
        // worker still spent 0.6-1.2 user CPU-s more on timed rounds 1-3 than on rounds 4-5.
        gatewayPut(cluster, token, DIR + "/warm-up-2.bin", warm);
        gatewayGet(cluster, token, DIR + "/warm-up-2.bin", OutputStream.nullOutputStream());
        for (int i = 0; i < WARM_UP_SMALL_FILES; i++) {
            gatewayPut(cluster, token, DIR + "/warm-up-small/gateway-" + smallName(i), smallDir.resolve(smallName(i)));
            gatewayGet(cluster, token, DIR + "/warm-up-small/gateway-" + smallName(i), OutputStream.nullOutputStream());
        }
        // Measured on a holon up cluster: its 3 workers used 2.3 CPU-s for 300 chunk reads after their first 900 reads,
        // 1.0-1.3 CPU-s after 9,000.
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            String dir = DIR + "/warm-up-small/" + round;
            for (int i = 0; i < WARM_UP_SMALL_FILES; i++) {
                direct.upload(dir + "/" + smallName(i), smallDir.resolve(smallName(i)), 3, Map.of("If-None-Match", "*"),
                        n -> { });
            }
            direct.downloadDirectory(dir, file -> OutputStream.nullOutputStream(), n -> { });
            for (int i = 0; i < WARM_UP_SMALL_FILES; i++) {
                direct.download(dir + "/" + smallName(i), OutputStream.nullOutputStream(), n -> { });
            }
        }
        send(cluster, "DELETE", DIR + "/warm-up-2.bin", token);
        send(cluster, "DELETE", DIR + "/warm-up-small?recursive=true", token);
        Thread.sleep(20_000); // the deleted files' chunks (3,600 replicas) leave the workers in the next repair passes
        for (int round = 0; round < WARM_UP_BIG_ROUNDS; round++) {
            direct.upload(DIR + "/warm-up.bin", big, 3, Map.of("If-None-Match", "*"), n -> { });
            direct.download(DIR + "/warm-up.bin", OutputStream.nullOutputStream(), n -> { });
            send(cluster, "DELETE", DIR + "/warm-up.bin", token);
        }

        System.out.printf("%nstorage (Holon): %d MiB, replication 3, one client, %d workers; load average before: %s%n",
                BIG_BYTES >> 20, WORKERS - 1, loadAverage());
        // The 1 GiB write and read BIG_ROUNDS times, the median counts: on this machine the same write costs the kernel
        // 2-3 times more CPU in one run than in the next (benchmarks/README.md, "Run-to-run spread").
        double[] writes = new double[BIG_ROUNDS];
        double[] reads = new double[BIG_ROUNDS];
        for (int round = 0; round < BIG_ROUNDS; round++) {
            String label = ", round %d of %d".formatted(round + 1, BIG_ROUNDS);
            writes[round] = timed(cluster, "write, direct" + label, () ->
                    direct.upload(DIR + "/big.bin", big, 3, Map.of("If-None-Match", "*"), n -> { }), BIG_BYTES);
            reads[round] = timed(cluster, "read, direct" + label, () -> {
                HashingStream out = new HashingStream();
                direct.download(DIR + "/big.bin", out, n -> { });
                out.check(BIG_BYTES, bigSha);
                return null;
            }, BIG_BYTES);
            send(cluster, "DELETE", DIR + "/big.bin", token); // the workers delete the chunks in the background
        }
        HOLON.put("write", "%.1f".formatted(median(writes)));
        HOLON.put("read", "%.1f".formatted(median(reads)));
        System.out.printf("  median of %d rounds: write, direct %s MiB/s; read, direct %s MiB/s%n", BIG_ROUNDS,
                HOLON.get("write"), HOLON.get("read"));
        timed(cluster, "write, through the gateway", "writeGateway", () -> {
            gatewayPut(cluster, token, DIR + "/big-gateway.bin", big);
            return null;
        }, BIG_BYTES);
        timed(cluster, "read, through the gateway", "readGateway", () -> {
            gatewayGet(cluster, token, DIR + "/big-gateway.bin", bigSha);
            return null;
        }, BIG_BYTES);
        send(cluster, "DELETE", DIR + "/big-gateway.bin", token);

        System.out.printf("%nstorage (Holon): %d files of %d MiB, one after another%n", SMALL_FILES, SMALL_BYTES >> 20);
        long smallTotal = (long) SMALL_FILES * SMALL_BYTES;
        timed(cluster, "small files write, direct", "smallWrite", () -> {
            for (int i = 0; i < SMALL_FILES; i++) {
                direct.upload(DIR + "/small/" + smallName(i), smallDir.resolve(smallName(i)), 3,
                        Map.of("If-None-Match", "*"), n -> { });
            }
            return null;
        }, smallTotal);
        // checked as HDFS's side checks them: CRC32C against sums computed before the clock starts
        long[] smallCrcs = new long[SMALL_FILES];
        for (int i = 0; i < SMALL_FILES; i++) {
            smallCrcs[i] = crc32c(Files.readAllBytes(smallDir.resolve(smallName(i))));
        }
        timed(cluster, "small files read, direct, the directory at once (holon files get -r)", "smallRead", () -> {
            Map<String, CrcStream> read = new HashMap<>();
            int files = direct.downloadDirectory(DIR + "/small",
                    file -> read.computeIfAbsent(file.path("path").asText(), path -> new CrcStream()), n -> { });
            if (files != SMALL_FILES) {
                throw new IllegalStateException(files + " files read, not " + SMALL_FILES);
            }
            for (int i = 0; i < SMALL_FILES; i++) {
                read.get("/default/bench/small/" + smallName(i)).check(SMALL_BYTES, smallCrcs[i]);
            }
            return null;
        }, smallTotal);
        timed(cluster, "small files read, direct, one file after another", "smallReadEach", () -> {
            for (int i = 0; i < SMALL_FILES; i++) {
                CrcStream out = new CrcStream();
                direct.download(DIR + "/small/" + smallName(i), out, n -> { });
                out.check(SMALL_BYTES, smallCrcs[i]);
            }
            return null;
        }, smallTotal);
        timed(cluster, "small files write, through the gateway", "smallWriteGateway", () -> {
            for (int i = 0; i < SMALL_FILES; i++) {
                gatewayPut(cluster, token, DIR + "/small-gateway/" + smallName(i), smallDir.resolve(smallName(i)));
            }
            return null;
        }, smallTotal);
        timed(cluster, "small files read, through the gateway", "smallReadGateway", () -> {
            for (int i = 0; i < SMALL_FILES; i++) {
                CrcStream out = new CrcStream();
                gatewayGet(cluster, token, DIR + "/small-gateway/" + smallName(i), out);
                out.check(SMALL_BYTES, smallCrcs[i]);
            }
            return null;
        }, smallTotal);
        send(cluster, "DELETE", DIR + "?recursive=true", token);
        Thread.sleep(10_000); // the deleted files' chunks leave the workers in the next repair passes

        // Repair on 4 workers, as HDFS's on 4 DataNodes: the same files written again with all four up (untimed).
        cluster.restart(SPARE);
        awaitState(cluster, admin, spare, "UP");
        List<String> files = new ArrayList<>();
        files.add(DIR + "/big.bin");
        direct.upload(DIR + "/big.bin", big, 3, Map.of("If-None-Match", "*"), n -> { });
        for (int i = 0; i < SMALL_FILES; i++) {
            files.add(DIR + "/small/" + smallName(i));
            direct.upload(files.getLast(), smallDir.resolve(smallName(i)), 3, Map.of("If-None-Match", "*"), n -> { });
        }
        repair(cluster, admin, token, files);
    }

    /** The registry's id of worker {@code n} (found by its port). */
    private static String nodeIdOf(LocalCluster cluster, String admin, int n) throws Exception {
        for (JsonNode node : get(cluster, admin, "/api/v1/nodes?limit=500").path("items")) {
            if (URI.create(node.path("apiUrl").asString()).getPort() == cluster.workerPort(n)) {
                return node.path("id").asString();
            }
        }
        throw new IllegalStateException("the registry lists no worker on port " + cluster.workerPort(n));
    }

    private static void awaitState(LocalCluster cluster, String admin, String nodeId, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!state.equals(get(cluster, admin, "/api/v1/nodes/" + nodeId).path("state").asString())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + nodeId + " is not " + state + " after 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    /** Kills the worker holding the most bytes and times until every chunk has 3 replicas on live nodes. */
    private static void repair(LocalCluster cluster, String admin, String token, List<String> files) throws Exception {
        Map<String, Long> bytesPerNode = new HashMap<>();
        long chunks = 0;
        for (String file : files) {
            for (JsonNode chunk : stat(cluster, token, file).path("chunks")) {
                chunks++;
                for (JsonNode replica : chunk.path("replicas")) {
                    bytesPerNode.merge(replica.asString(), chunk.path("size").asLong(), Long::sum);
                }
            }
        }
        String victimId = bytesPerNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String victim = processOf(cluster, admin, victimId);
        long victimMiB = bytesPerNode.get(victimId) >> 20;
        System.out.printf("%nstorage repair (Holon): %d files, %d chunks, replication 3; %s holds %d MiB of them; SIGKILL"
                + " it; load average before: %s%n", files.size(), chunks, victim, victimMiB, loadAverage());
        long killed = System.nanoTime();
        cluster.process(victim).kill9();
        double downSeconds = -1;
        long deadline = killed + Duration.ofMinutes(10).toNanos();
        List<String> pending = new ArrayList<>(files);
        while (!pending.isEmpty()) {
            if (downSeconds < 0) {
                if ("DOWN".equals(get(cluster, admin, "/api/v1/nodes/" + victimId).path("state").asString())) {
                    downSeconds = (System.nanoTime() - killed) / 1e9;
                } else {
                    Thread.sleep(100);
                    continue;
                }
            }
            pending.removeIf(file -> {
                try {
                    return allReplicated(stat(cluster, token, file), 3, victimId);
                } catch (Exception e) {
                    return false;
                }
            });
            if (System.nanoTime() > deadline) {
                System.out.printf("  not repaired after 10 minutes: %d files still short of replicas%n", pending.size());
                HOLON.put("repair", "-");
                return;
            }
        }
        double repairSeconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("  every chunk back to 3 replicas on live nodes %.1f s after the SIGKILL (DOWN in the registry"
                + " after %.1f s, so %.1f s of copying %d MiB); load average after: %s%n", repairSeconds, downSeconds,
                repairSeconds - downSeconds, victimMiB, loadAverage());
        HOLON.put("repair", "%.1f".formatted(repairSeconds));
        HOLON.put("repairDead", "%.1f".formatted(downSeconds));
        HOLON.put("repairMiB", Long.toString(victimMiB));
    }

    private interface Work {
        Object run() throws Exception;
    }

    /** {@link #timed(LocalCluster, String, Work, long)}, its MiB/s kept as Holon's figure {@code key}. */
    private static void timed(LocalCluster cluster, String what, String key, Work work, long bytes) throws Exception {
        double rate = timed(cluster, what, work, bytes);
        HOLON.put(key, "%.1f".formatted(rate));
    }

    /**
     * Runs {@code work}, prints MiB/s (and files/s for {@value #SMALL_FILES} small files) and every process's CPU
     * seconds; answers the MiB/s.
     */
    private static double timed(LocalCluster cluster, String what, Work work, long bytes) throws Exception {
        flushDirtyPages();
        Map<String, Ticks> cpu = cpuTicks(cluster);
        long started = System.nanoTime();
        work.run();
        long nanos = System.nanoTime() - started;
        double rate = mibPerSecond(bytes, nanos);
        String files = bytes == (long) SMALL_FILES * SMALL_BYTES
                ? " = %.1f files/s".formatted(SMALL_FILES / (nanos / 1e9)) : "";
        System.out.printf("  %s: %.1f MiB/s%s (%.1f s); load average after: %s%n", what, rate, files, nanos / 1e9,
                loadAverage());
        printCpu(cluster, cpu, nanos);
        return rate;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static DirectTransfer.Namespace namespace(LocalCluster cluster, String token) {
        return new DirectTransfer.Namespace() {
            @Override
            public com.fasterxml.jackson.databind.JsonNode post(String pathAndQuery, String jsonBody,
                    Map<String, String> headers) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + pathAndQuery))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
                headers.forEach(request::header);
                return clientJson(request.build());
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode get(String pathAndQuery) {
                return clientJson(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + pathAndQuery))
                        .header("Authorization", "Bearer " + token).build());
            }
        };
    }

    private static com.fasterxml.jackson.databind.JsonNode clientJson(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(request.method() + " " + request.uri() + ": " + response.statusCode()
                        + " " + response.body());
            }
            return CLIENT_JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void gatewayPut(LocalCluster cluster, String token, String path, Path file) throws Exception {
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path + "?replication=3"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .header("If-None-Match", "*").PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("upload " + path + ": " + put.statusCode() + " " + put.body());
        }
    }

    /** Downloads through the gateway and checks the SHA-256. */
    private static void gatewayGet(LocalCluster cluster, String token, String path, String expectedSha) throws Exception {
        HashingStream out = new HashingStream();
        gatewayGet(cluster, token, path, out);
        if (!out.sha().equals(expectedSha)) {
            throw new IllegalStateException("download " + path + ": SHA-256 " + out.sha() + " instead of " + expectedSha);
        }
    }

    private static void gatewayGet(LocalCluster cluster, String token, String path, OutputStream out) throws Exception {
        HttpResponse<InputStream> get = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = get.body()) {
            in.transferTo(out);
        }
        if (get.statusCode() != 200) {
            throw new IllegalStateException("download " + path + ": " + get.statusCode());
        }
    }

    /** Counts what is written to it and sums it with CRC32C, as HDFS's side checks its small files. */
    private static final class CrcStream extends OutputStream {
        private final CRC32C crc = new CRC32C();
        private long bytes;

        @Override
        public void write(int b) {
            crc.update(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            bytes += len;
        }

        void check(long size, long expected) {
            if (bytes != size || crc.getValue() != expected) {
                throw new IllegalStateException("read " + bytes + " bytes, CRC32C " + Long.toHexString(crc.getValue())
                        + "; expected " + size + " bytes, " + Long.toHexString(expected));
            }
        }
    }

    private static long crc32c(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return crc.getValue();
    }

    /** Counts and hashes what is written to it. */
    private static final class HashingStream extends OutputStream {
        private final MessageDigest sha;
        private long bytes;

        HashingStream() throws Exception {
            sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void write(int b) {
            sha.update((byte) b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sha.update(b, off, len);
            bytes += len;
        }

        String sha() {
            return HexFormat.of().formatHex(sha.digest());
        }

        void check(long size, String expected) {
            String actual = sha();
            if (bytes != size || !actual.equals(expected)) {
                throw new IllegalStateException("read " + bytes + " bytes, SHA-256 " + actual + "; expected " + size
                        + " bytes, " + expected);
            }
        }
    }

    private static String smallName(int i) {
        return "small-%04d.bin".formatted(i);
    }

    /** Runs the HDFS side in its own JVM, once {@link #prepare()} wrote the data; answers its RESULT figures. */
    static Map<String, String> hdfs(Path repository) throws Exception {
        Path target = repository.resolve("benchmarks-hdfs").resolve("target");
        Path classpathFile = target.resolve("hdfs-classpath.txt");
        Map<String, String> hdfs = new HashMap<>();
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
                    WORK.resolve("big.bin").toString(), bigSha, hdfsWork.toString(), WORK.resolve("small").toString())
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
        return hdfs;
    }

    /** Prints both sides together, with the ratio Holon / HDFS. */
    static void summary(Map<String, String> hdfs) {
        System.out.printf("%nstorage, replication 3, one client, same bytes, same machine, neither fsyncing on close"
                + " (MiB/s; Holon / HDFS):%n");
        System.out.printf("  %-44s %9s %9s %9s%n", "", "Holon", "HDFS", "ratio");
        row("1 GiB write (direct)", "write", "write", hdfs);
        row("1 GiB read (direct)", "read", "read", hdfs);
        row("1 GiB write through the gateway", "writeGateway", "write", hdfs);
        row("1 GiB read through the gateway", "readGateway", "read", hdfs);
        row("1,000 x 1 MiB write (direct)", "smallWrite", "smallWrite", hdfs);
        row("1,000 x 1 MiB read (direct, get -r)", "smallRead", "smallRead", hdfs);
        row("1,000 x 1 MiB read (direct, file by file)", "smallReadEach", "smallRead", hdfs);
        row("1,000 x 1 MiB write through the gateway (*)", "smallWriteGateway", "smallWrite", hdfs);
        row("1,000 x 1 MiB read through the gateway", "smallReadGateway", "smallRead", hdfs);
        System.out.printf("  (*) what holon files put does with a file of at most 2 MiB%n");
        System.out.printf("%nrepair after losing a node (4 nodes, replication 3; seconds from the kill, lower is better):%n");
        System.out.printf("  %-44s %9s %9s%n", "", "Holon", "HDFS");
        System.out.printf("  %-44s %9s %9s%n", "MiB the lost node held", HOLON.getOrDefault("repairMiB", "-"),
                hdfs.getOrDefault("repairMiB", "-"));
        System.out.printf("  %-44s %9s %9s%n", "node declared dead", HOLON.getOrDefault("repairDead", "-"),
                hdfs.getOrDefault("repairDead", "-"));
        System.out.printf("  %-44s %9s %9s%n", "every block/chunk at 3 live replicas", HOLON.getOrDefault("repair", "-"),
                hdfs.getOrDefault("repair", "-"));
    }

    private static void row(String label, String holonKey, String hdfsKey, Map<String, String> hdfs) {
        String holon = HOLON.getOrDefault(holonKey, "-");
        String other = hdfs.getOrDefault(hdfsKey, "-");
        String ratio = holon.equals("-") || other.equals("-") ? "-"
                : "%.2fx".formatted(Double.parseDouble(holon) / Double.parseDouble(other));
        System.out.printf("  %-44s %9s %9s %9s%n", label, holon, other, ratio);
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

    /** CPU clock ticks of each process of the cluster and of this benchmark JVM (the client). */
    private static Map<String, Ticks> cpuTicks(LocalCluster cluster) {
        Map<String, Ticks> ticks = new LinkedHashMap<>();
        ticks.put("client (this JVM)", Ticks.of(ProcessHandle.current().pid()));
        for (ManagedProcess process : cluster.processes()) {
            ticks.put(process.name(), Ticks.of(process.mainPid()));
        }
        return ticks;
    }

    /** Prints each process's CPU seconds since {@code before}, with the kernel's share (system) in brackets. */
    private static void printCpu(LocalCluster cluster, Map<String, Ticks> before, long nanos) {
        List<String> parts = new ArrayList<>();
        cpuTicks(cluster).entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().minus(before.getOrDefault(e.getKey(), e.getValue()))))
                .filter(e -> e.getValue().total() >= 10)
                .sorted(Map.Entry.<String, Ticks>comparingByValue(java.util.Comparator.comparingLong(Ticks::total))
                        .reversed())
                .forEach(e -> parts.add("%s %.1f (%.1f)".formatted(e.getKey(), e.getValue().total() / 100.0,
                        e.getValue().system() / 100.0)));
        System.out.printf("  CPU seconds in those %.1f s (2 cores = %.1f available; system in brackets): %s%n",
                nanos / 1e9, 2 * nanos / 1e9, String.join(", ", parts));
    }

    /** utime and stime of a process from /proc (clock ticks, 100 per second). */
    private record Ticks(long user, long system) {
        /** Zero when the process is gone or its stat is unreadable. */
        static Ticks of(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return new Ticks(Long.parseLong(fields[11]), Long.parseLong(fields[12])); // fields 14, 15 of proc(5)
            } catch (IOException | RuntimeException e) {
                return new Ticks(0, 0);
            }
        }

        long total() {
            return user + system;
        }

        Ticks minus(Ticks before) {
            return new Ticks(user - before.user, system - before.system);
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

    /**
     * Writes the page cache's dirty pages to disk ({@code sync}), so that no phase pays for the writeback of the one
     * before it (HdfsBenchmark does the same before each of its phases).
     */
    private static void flushDirtyPages() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
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
