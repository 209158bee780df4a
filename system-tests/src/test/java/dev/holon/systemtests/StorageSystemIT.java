package dev.holon.systemtests;

import dev.holon.cli.files.DirectTransfer;
import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Files end to end on a real local cluster: uploaded through the gateway, cut into chunks stored three times on the
 * real workers, read back byte for byte while a replica is corrupt or a worker is dead, and repaired to three live
 * replicas without anyone asking. Own home and ports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageSystemIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int MIB = 1024 * 1024;
    /** Several chunks at the default chunk size (8 MiB), the last one short. */
    private static final byte[] CONTENT = randomBytes(37 * MIB + 12_345, 42);
    private static final String FILE = "/api/v1/files/default/system-test/data.bin";

    static LocalCluster cluster;
    static ClusterApi api;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-storage", 25080).build());
        api = ClusterApi.demoOnceThreeNodesAreUp(cluster);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void anUploadedFileIsStoredThreeTimesOnDistinctWorkersAndReadsBackByteForByte() {
        Instant started = Instant.now();
        HttpResponse<String> created = put(FILE, CONTENT, "If-None-Match", "*");
        long uploadMillis = Duration.between(started, Instant.now()).toMillis();
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).isPresent();
        System.out.printf("upload of %.1f MiB through the gateway: %d ms (%.1f MiB/s)%n", CONTENT.length / (double) MIB,
                uploadMillis, CONTENT.length / (double) MIB / Math.max(1, uploadMillis) * 1000);

        JsonNode stat = api.get(FILE + "?op=stat&replicas=true").json();
        assertThat(stat.path("type").asString()).isEqualTo("FILE");
        assertThat(stat.path("size").asLong()).isEqualTo(CONTENT.length);
        assertThat(stat.path("checksum").asString()).contains(sha256(CONTENT));
        assertThat(stat.path("chunks").size()).isGreaterThan(1);
        Set<String> nodes = api.workerOfNode().keySet();
        for (JsonNode chunk : stat.path("chunks")) {
            List<String> replicas = texts(chunk.path("replicas"));
            assertThat(replicas).as(chunk.toString()).hasSize(3).doesNotHaveDuplicates();
            assertThat(nodes).containsAll(replicas);
        }

        started = Instant.now();
        HttpResponse<byte[]> read = get(FILE, null);
        System.out.printf("download: %d ms%n", Duration.between(started, Instant.now()).toMillis());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(sha256(read.body())).isEqualTo(sha256(CONTENT));

        int from = 8 * MIB - 100;
        int to = 16 * MIB + 99;
        HttpResponse<byte[]> range = get(FILE, "bytes=" + from + "-" + to);
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(CONTENT, from, to + 1));
    }

    @Test
    @Order(2)
    void aCorruptReplicaIsReadAroundAndReplaced() throws IOException {
        String chunkId = chunksOf(FILE).getFirst().path("chunkId").asString();
        corruptOneReplica(chunkId);

        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> read = get(FILE, null);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(sha256(read.body())).isEqualTo(sha256(CONTENT));
        }
        // A read notices the bad replica only when it picks that one; a scrub finds it in any case.
        JsonNode report = scrub();
        assertThat(report.path("unreachable")).isEmpty();
        assertThat(report.path("nodes")).hasSize(3);
        awaitThreeGoodReplicas(chunkId, CONTENT, 0);
    }

    @Test
    @Order(3)
    void aScrubOnDemandFindsACorruptReplicaNobodyReadAndItIsReplaced() throws IOException {
        String quiet = "/api/v1/files/default/system-test/never-read.bin";
        byte[] content = randomBytes(3 * MIB, 11);
        HttpResponse<String> created = put(quiet, content, "If-None-Match", "*");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String chunkId = chunksOf(quiet).getFirst().path("chunkId").asString();
        corruptOneReplica(chunkId);

        assertThat(ClusterApi.send("POST", cluster.gatewayUrl() + "/api/v1/files?op=scrub", api.token(), null).status())
                .as("a user may not scrub").isEqualTo(403);
        JsonNode report = scrub();
        int corrupted = 0;
        long checked = 0;
        for (JsonNode node : report.path("nodes")) {
            corrupted += node.path("corrupted").asInt();
            checked += node.path("checked").asLong();
        }
        System.out.printf("scrub on demand: %d replicas checked on %d nodes in %d ms, %d corrupt%n", checked,
                report.path("nodes").size(), report.path("millis").asLong(), corrupted);
        assertThat(corrupted).isEqualTo(1);
        assertThat(checked).isGreaterThanOrEqualTo(3L * (chunksOf(FILE).size() + 1));
        awaitThreeGoodReplicas(chunkId, content, 0);
        assertThat(sha256(get(quiet, null).body())).isEqualTo(sha256(content));
    }

    @Test
    @Order(4)
    void aWorkerServesAChunkOnlyWithAValidTokenForIt() {
        String chunkId = chunksOf(FILE).getFirst().path("chunkId").asString();
        String chunkUrl = "http://127.0.0.1:" + cluster.ports().workers().getFirst() + "/api/v1/chunks/" + chunkId;
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String forged = base64.encodeToString(("v1|READ|" + chunkId + "|9999999999").getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString("signed by nobody".getBytes(StandardCharsets.UTF_8));
        for (String token : new String[] {null, "", forged, "not-a-token"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(chunkUrl)).timeout(Duration.ofSeconds(10));
            if (token != null) {
                request.header("X-Holon-Chunk-Token", token);
            }
            HttpResponse<String> answer = send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("token %s: %s", token, answer.body()).isIn(401, 403);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }
    }

    @Test
    @Order(5)
    void whenAWorkerDiesItsReplicasAreMadeAgainElsewhereAndTheFileStaysReadable() {
        // With three workers a lost third replica has nowhere to go, so this file keeps two copies: a dead
        // worker's copies must be made again on the one worker that had none.
        String twoCopies = "/api/v1/files/default/system-test/two-copies.bin";
        byte[] content = randomBytes(20 * MIB, 7);
        HttpResponse<String> created = put(twoCopies + "?replication=2", content, "If-None-Match", "*");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String victim = texts(chunksOf(twoCopies).getFirst().path("replicas")).getFirst();
        int worker = api.workerOfNode().get(victim);

        Instant killedAt = Instant.now();
        cluster.process("node-" + worker).kill9();

        HttpResponse<byte[]> read = get(twoCopies, null);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(sha256(read.body())).isEqualTo(sha256(content));
        System.out.printf("read with node-%d dead: %d ms after the kill%n", worker,
                Duration.between(killedAt, Instant.now()).toMillis());

        // The dead node's replicas stay listed (it may come back with them); two others must hold every chunk.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (JsonNode chunk : chunksOf(twoCopies)) {
                List<String> live = texts(chunk.path("replicas")).stream().filter(r -> !r.equals(victim)).toList();
                assertThat(live).as(chunk.toString()).hasSize(2).doesNotHaveDuplicates();
            }
        });
        System.out.printf("node-%d killed: every chunk back to 2 live replicas %d ms later%n", worker,
                Duration.between(killedAt, Instant.now()).toMillis());

        cluster.restart("node-" + worker);
        await().atMost(Duration.ofSeconds(60)).until(
                () -> api.get("/api/v1/nodes?state=UP").json().path("items").size() == 3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (JsonNode chunk : chunksOf(twoCopies)) {
                assertThat(texts(chunk.path("replicas"))).as(chunk.toString()).hasSize(2);
            }
            for (JsonNode chunk : chunksOf(FILE)) {
                assertThat(texts(chunk.path("replicas"))).as(chunk.toString()).hasSize(3).doesNotHaveDuplicates();
            }
        });
        assertThat(sha256(get(FILE, null).body())).isEqualTo(sha256(CONTENT));
    }

    @Test
    @Order(6)
    void mistakesAndOtherTenantsGetProblemsAndChangeNothing() {
        assertProblem(api.get("/api/v1/files/another-tenant/secret.txt?op=stat"), 404);
        assertProblem(api.get("/api/v1/files/default/system-test/missing.bin?op=stat"), 404);
        assertProblem(api.get("/api/v1/files/default/system-test/../../another-tenant/x?op=stat"), 400);
        HttpResponse<String> overwrite = put(FILE, new byte[] {1, 2, 3}, null, null);
        assertThat(overwrite.statusCode()).as(overwrite.body()).isEqualTo(428);
        HttpResponse<String> stale = put(FILE, new byte[] {1, 2, 3}, "If-Match", "\"0\"");
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + FILE + "?op=stat", null, null).status()).isEqualTo(401);
        assertThat(sha256(get(FILE, null).body())).isEqualTo(sha256(CONTENT));
    }

    @Test
    @Order(7)
    void aFileWrittenAndReadOverTheDirectPathIsTheFileEveryoneReads(@TempDir Path dir) throws IOException {
        byte[] content = randomBytes(21 * MIB + 7, 99);
        Path local = Files.write(dir.resolve("direct.bin"), content);
        String file = "/api/v1/files/default/system-test/direct.bin";
        DirectTransfer direct = new DirectTransfer(new DirectTransfer.Namespace() {
            @Override
            public com.fasterxml.jackson.databind.JsonNode post(String pathAndQuery, String body, Map<String, String> headers) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + pathAndQuery))
                        .header("Authorization", "Bearer " + api.token()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                headers.forEach(request::header);
                return clientJson(send(request.build(), HttpResponse.BodyHandlers.ofString()));
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode get(String pathAndQuery) {
                return clientJson(send(HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + pathAndQuery))
                        .header("Authorization", "Bearer " + api.token()).build(), HttpResponse.BodyHandlers.ofString()));
            }
        }, HTTP, 4);

        com.fasterxml.jackson.databind.JsonNode view = direct.upload(file, local, null, Map.of("If-None-Match", "*"), n -> { });
        assertThat(view.path("size").asLong()).isEqualTo(content.length);
        assertThat(view.path("checksum").asText()).isEqualTo(sha256(content));
        for (JsonNode chunk : chunksOf(file)) {
            assertThat(texts(chunk.path("replicas"))).hasSize(3).doesNotHaveDuplicates();
        }
        assertThat(sha256(get(file, null).body())).as("read through the gateway").isEqualTo(sha256(content));
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        assertThat(direct.download(file, read, n -> { })).isEqualTo(content.length);
        assertThat(sha256(read.toByteArray())).isEqualTo(sha256(content));
    }

    private static com.fasterxml.jackson.databind.JsonNode clientJson(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertProblem(ClusterApi.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    private static List<JsonNode> chunksOf(String file) {
        List<JsonNode> chunks = new ArrayList<>();
        api.get(file + "?op=stat&replicas=true").json().path("chunks").forEach(chunks::add);
        return chunks;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    private static void corruptOneReplica(String chunkId) throws IOException {
        Path replica = replicaFiles(chunkId).getFirst();
        byte[] bytes = Files.readAllBytes(replica);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(replica, bytes);
    }

    /** Scrubs every worker now, as an operator, and answers the report. */
    private static JsonNode scrub() {
        ClusterApi.Response scrubbed = ClusterApi.send("POST", cluster.gatewayUrl() + "/api/v1/files?op=scrub",
                cluster.accessToken("operator", "holon-operator"), null);
        assertThat(scrubbed.status()).as(scrubbed.body()).isEqualTo(200);
        return scrubbed.json();
    }

    /** Three replica files of the chunk, each holding exactly the chunk's bytes of {@code content} from {@code offset}. */
    private static void awaitThreeGoodReplicas(String chunkId, byte[] content, int offset) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Path> files = replicaFiles(chunkId);
            assertThat(files).hasSize(3);
            for (Path file : files) {
                assertThat(Files.readAllBytes(file)).as(file.toString())
                        .isEqualTo(Arrays.copyOfRange(content, offset, offset + (int) Files.size(file)));
            }
        });
    }

    /** The files named {@code chunkId} under the workers' data directories. */
    private static List<Path> replicaFiles(String chunkId) throws IOException {
        try (Stream<Path> files = Files.walk(cluster.home().resolve("data").resolve("workers"))) {
            return files.filter(f -> f.getFileName().toString().equals(chunkId) && Files.isRegularFile(f)).toList();
        }
    }

    private static HttpResponse<String> put(String path, byte[] body, String header, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + api.token())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (header != null) {
            request.header(header, value);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> get(String path, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + api.token());
        if (range != null) {
            request.header("Range", range);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
