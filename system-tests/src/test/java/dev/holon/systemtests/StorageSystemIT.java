package dev.holon.systemtests;

import dev.holon.cli.files.DirectTransfer;
import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Files end to end on a real local cluster of four workers (issue 6's storage system tests): a 200 MiB file
 * uploaded through the gateway, stored three times on distinct workers and read back byte for byte; a corrupt replica
 * read around and replaced by a scrub on demand; chunk tokens that are forged, expired or for something else
 * refused by the workers; two overwrites of one version at once, one winning; bad paths, other tenants, missing
 * preconditions, uploads too large and quota overruns answered with problems; no partial file ever visible; and a
 * SIGKILLed worker whose replicas are back on three live workers within 30 s, trimmed when it returns. Own home and
 * ports; the 200 MiB are streamed (generated on the fly, never held in memory) and uploaded once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageSystemIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int MIB = 1024 * 1024;
    private static final int WORKERS = 4;
    private static final long MAX_UPLOAD = 256L * MIB;
    /** A tenant with a small byte quota (reached as admin: users are all in tenant default). */
    private static final String SMALL_TENANT = "quota-test";
    private static final String DIR = "/api/v1/files/default/system-test";
    private static final Content BIG = new Content(200L * MIB, 2026);
    private static final String BIG_FILE = DIR + "/big.bin";
    /** Three chunks at the default chunk size (8 MiB), the last one short. */
    private static final byte[] SMALL = randomBytes(20 * MIB + 12_345, 42);
    private static final String SMALL_FILE = DIR + "/data.bin";

    static LocalCluster cluster;
    static ClusterApi api;

    @BeforeAll
    static void startCluster() {
        List<String> jvm = new ArrayList<>(ClusterApi.SERVICE_JVM_OPTIONS);
        // System properties win over what config-service serves: only storage-service reads these.
        jvm.add("-Dholon.storage.max-upload-bytes=" + MAX_UPLOAD);
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-storage", 15080).workers(WORKERS)
                .serviceJvmOptions(jvm).build());
        api = ClusterApi.demoOnceNodesAreUp(cluster, WORKERS);
        // the small tenant and its 1 MiB quota, set where every quota lives: auth-service
        String admin = cluster.accessToken("admin", "holon-admin");
        ClusterApi.Response tenant = ClusterApi.send("POST", cluster.gatewayUrl() + "/api/v1/tenants", admin,
                "{\"name\": \"" + SMALL_TENANT + "\"}");
        assertThat(tenant.status()).as(tenant.body()).isEqualTo(201);
        ClusterApi.Response quota = ClusterApi.send("PUT", cluster.gatewayUrl() + "/api/v1/tenants/" + SMALL_TENANT
                + "/quota", admin, "{\"storageBytes\": 1048576}");
        assertThat(quota.status()).as(quota.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    @Test
    @Order(1)
    void a200MiBFileIsStoredThreeTimesOnDistinctWorkersAndReadsBackByteForByte() {
        String expected = BIG.sha256();
        Instant started = Instant.now();
        HttpResponse<String> created = send(request(BIG_FILE).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(BIG::stream),
                        BIG.size())).build(), HttpResponse.BodyHandlers.ofString());
        long uploadMillis = Duration.between(started, Instant.now()).toMillis();
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
        System.out.printf("upload of 200 MiB through the gateway: %d ms (%.1f MiB/s)%n", uploadMillis,
                200.0 / Math.max(1, uploadMillis) * 1000);

        JsonNode stat = api.get(BIG_FILE + "?op=stat&replicas=true").json();
        assertThat(stat.path("type").asString()).isEqualTo("FILE");
        assertThat(stat.path("size").asLong()).isEqualTo(BIG.size());
        assertThat(stat.path("checksum").asString()).isEqualTo(expected);
        assertThat(stat.path("replication").asInt()).isEqualTo(3);
        assertThat(stat.path("chunks").size()).isGreaterThan(1);
        long chunked = 0;
        for (JsonNode chunk : stat.path("chunks")) {
            chunked += chunk.path("size").asLong();
        }
        assertThat(chunked).isEqualTo(BIG.size());
        Map<String, Integer> workers = api.workerOfNode();
        Map<String, String> zones = zoneOfNode();
        for (JsonNode chunk : stat.path("chunks")) {
            List<String> replicas = texts(chunk.path("replicas"));
            assertThat(replicas).as(chunk.toString()).hasSize(3).doesNotHaveDuplicates();
            assertThat(workers.keySet()).containsAll(replicas);
            assertThat(replicas.stream().map(zones::get).distinct()).as("zones of %s", chunk).hasSize(3);
        }

        Download read = download(BIG_FILE, null);
        System.out.printf("download of 200 MiB through the gateway: %d ms (%.1f MiB/s)%n", read.millis(),
                200.0 / Math.max(1, read.millis()) * 1000);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.size()).isEqualTo(BIG.size());
        assertThat(read.sha256()).isEqualTo(expected);

        long from = 3L * 8 * MIB - 100; // across the boundary of the third and fourth chunk, into the fifth
        long to = 4L * 8 * MIB + 99;
        HttpResponse<byte[]> range = get(BIG_FILE, "bytes=" + from + "-" + to);
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes " + from + "-" + to + "/" + BIG.size());
        assertThat(range.body()).isEqualTo(BIG.slice(from, to));
        HttpResponse<byte[]> tail = get(BIG_FILE, "bytes=-1000");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(BIG.slice(BIG.size() - 1000, BIG.size() - 1));
        HttpResponse<byte[]> beyond = get(BIG_FILE, "bytes=" + BIG.size() + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
    }

    @Test
    @Order(2)
    void aCorruptReplicaIsReadAroundAndReplaced() throws IOException {
        HttpResponse<String> created = put(SMALL_FILE, SMALL, "If-None-Match", "*");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String chunkId = chunksOf(SMALL_FILE).getFirst().path("chunkId").asString();
        corruptOneReplica(chunkId);

        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> read = get(SMALL_FILE, null);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(sha256(read.body())).isEqualTo(sha256(SMALL));
        }
        // A read notices the bad replica only when it picks that one; a scrub finds it in any case.
        JsonNode report = scrub();
        assertThat(report.path("unreachable")).isEmpty();
        assertThat(report.path("nodes")).hasSize(WORKERS);
        awaitThreeGoodReplicas(chunkId, SMALL, 0);
    }

    @Test
    @Order(3)
    void aScrubOnDemandFindsACorruptReplicaNobodyReadAndItIsReplaced() throws IOException {
        String quiet = DIR + "/never-read.bin";
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
        assertThat(checked).isGreaterThanOrEqualTo(3L * (chunksOf(BIG_FILE).size() + chunksOf(SMALL_FILE).size() + 1));
        awaitThreeGoodReplicas(chunkId, content, 0);
        assertThat(sha256(get(quiet, null).body())).isEqualTo(sha256(content));
    }

    @Test
    @Order(4)
    void aWorkerServesAChunkOnlyWithAValidUnexpiredTokenForThatChunkAndOperation() {
        List<JsonNode> chunks = chunksOf(SMALL_FILE);
        String chunkId = chunks.getFirst().path("chunkId").asString();
        String otherChunk = chunks.get(1).path("chunkId").asString();
        String holder = texts(chunks.getFirst().path("replicas")).getFirst();
        String chunkUrl = api.apiUrlOfNode().get(holder) + "/api/v1/chunks/" + chunkId;
        ChunkToken signer = ChunkToken.fromSecret(chunkTokenSecret());
        Instant now = Instant.now();

        // The key is the cluster's: a fresh token for this chunk and READ gets the bytes.
        HttpResponse<byte[]> valid = send(HttpRequest.newBuilder(URI.create(chunkUrl)).timeout(Duration.ofSeconds(30))
                .header(ChunkToken.HEADER, signer.sign(ChunkOp.READ, chunkId, now.plusSeconds(60))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.body()).isEqualTo(Arrays.copyOfRange(SMALL, 0, valid.body().length));

        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String forged = base64.encodeToString(("v1|READ|" + chunkId + "|9999999999").getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString("signed by nobody".getBytes(StandardCharsets.UTF_8));
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("none", null);
        refused.put("empty", "");
        refused.put("garbage", "not-a-token");
        refused.put("forged", forged);
        refused.put("expired a minute ago", signer.sign(ChunkOp.READ, chunkId, now.minusSeconds(60)));
        refused.put("for another chunk", signer.sign(ChunkOp.READ, otherChunk, now.plusSeconds(60)));
        refused.put("for writing", signer.sign(ChunkOp.WRITE, chunkId, now.plusSeconds(60)));
        refused.put("signed with another key", ChunkToken.fromSecret("another-secret-of-at-least-32-bytes-long")
                .sign(ChunkOp.READ, chunkId, now.plusSeconds(60)));
        refused.forEach((what, token) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(chunkUrl)).timeout(Duration.ofSeconds(10));
            if (token != null) {
                request.header(ChunkToken.HEADER, token);
            }
            HttpResponse<String> answer = send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("token %s: %s", what, answer.body()).isIn(401, 403);
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("token %s", what)
                    .startsWith("application/problem+json");
        });
        // Nor may an expired token delete the replica.
        HttpResponse<String> delete = send(HttpRequest.newBuilder(URI.create(chunkUrl)).timeout(Duration.ofSeconds(10))
                .header(ChunkToken.HEADER, signer.sign(ChunkOp.DELETE, chunkId, now.minusSeconds(60))).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).as(delete.body()).isIn(401, 403);
        assertThat(sha256(get(SMALL_FILE, null).body())).isEqualTo(sha256(SMALL));
    }

    @Test
    @Order(5)
    void twoOverwritesOfOneVersionAtTheSameMomentOneWinsTheOther412() throws Exception {
        String file = DIR + "/race.bin";
        HttpResponse<String> created = put(file, randomBytes(MIB, 5), "If-None-Match", "*");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String version = created.headers().firstValue("ETag").orElseThrow();

        // Each body stops after 24 MiB (three chunks already at the workers, so both uploads are past their first
        // check of the version) until both got there; then both finish together.
        byte[][] bodies = {randomBytes(32 * MIB, 100), randomBytes(32 * MIB, 200)};
        List<HttpResponse<String>> answers = race(file, bodies, "If-Match", version, 24 * MIB);
        List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
        assertThat(statuses).as("%s / %s", answers.get(0).body(), answers.get(1).body()).containsExactlyInAnyOrder(200, 412);
        int winner = statuses.indexOf(200);
        HttpResponse<String> loser = answers.get(1 - winner);
        assertThat(loser.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        System.out.printf("two overwrites of version %s at once: upload %d won, the other: %s%n", version, winner,
                loser.body());

        JsonNode stat = api.get(file + "?op=stat").json();
        assertThat(stat.path("version").asLong()).isEqualTo(Long.parseLong(version.replace("\"", "")) + 1);
        assertThat(stat.path("checksum").asString()).isEqualTo(sha256(bodies[winner]));
        assertThat(sha256(get(file, null).body())).isEqualTo(sha256(bodies[winner]));

        // Two creations of one new file at once: one 201, the other 412.
        String fresh = DIR + "/race-new.bin";
        byte[][] news = {randomBytes(12 * MIB, 300), randomBytes(12 * MIB, 400)};
        List<HttpResponse<String>> creations = race(fresh, news, "If-None-Match", "*", 9 * MIB);
        List<Integer> createStatuses = creations.stream().map(HttpResponse::statusCode).toList();
        assertThat(createStatuses).as("%s / %s", creations.get(0).body(), creations.get(1).body())
                .containsExactlyInAnyOrder(201, 412);
        int first = createStatuses.indexOf(201);
        assertThat(sha256(get(fresh, null).body())).isEqualTo(sha256(news[first]));
        assertThat(api.get(fresh + "?op=stat").json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    @Order(6)
    void mistakesAndOtherTenantsGetProblemsAndChangeNothing() throws IOException {
        // Traversal, plain and encoded: refused before any tenant is looked at.
        for (String raw : List.of(DIR + "/../../another-tenant/x", DIR + "/%2e%2e/%2e%2e/another-tenant/x",
                DIR + "/%2E%2E/x", DIR + "%2F..%2F..%2Fanother-tenant%2Fx", DIR + "/a%2Fb", DIR + "/%2e/x",
                DIR + "/a%5Cb", "/api/v1/files/default/..")) {
            assertProblem(api.get(raw + "?op=stat"), 400);
            HttpResponse<String> upload = put(raw, new byte[] {1}, "If-None-Match", "*");
            assertThat(upload.statusCode()).as("PUT %s: %s", raw, upload.body()).isEqualTo(400);
            assertThat(upload.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        }

        // Another tenant's space does not exist for a user: 404 whatever the operation, nothing is created there.
        String foreign = "/api/v1/files/another-tenant/secret.txt";
        assertProblem(api.get(foreign + "?op=stat"), 404);
        assertProblem(api.get(foreign), 404);
        assertProblem(api.get("/api/v1/files/another-tenant?op=list"), 404);
        HttpResponse<String> plant = put(foreign, new byte[] {1, 2, 3}, "If-None-Match", "*");
        assertThat(plant.statusCode()).as(plant.body()).isEqualTo(404);
        assertProblem(ClusterApi.send("DELETE", cluster.gatewayUrl() + foreign, api.token(), null), 404);
        assertProblem(ClusterApi.send("POST", cluster.gatewayUrl() + SMALL_FILE + "?op=move", api.token(),
                "{\"destination\": \"/another-tenant/stolen.bin\"}"), 404);
        String admin = cluster.accessToken("admin", "holon-admin");
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + foreign + "?op=stat", admin, null).status()).isEqualTo(404);
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + "/api/v1/files/another-tenant/stolen.bin?op=stat",
                admin, null).status()).isEqualTo(404);

        // Unknown paths.
        assertProblem(api.get(DIR + "/missing.bin?op=stat"), 404);
        assertProblem(api.get(DIR + "/missing.bin"), 404);
        assertProblem(ClusterApi.send("DELETE", cluster.gatewayUrl() + DIR + "/missing.bin", api.token(), null), 404);

        // Preconditions: a blind overwrite needs If-Match (428); a stale one fails (412), for move and delete too.
        HttpResponse<String> blind = put(SMALL_FILE, new byte[] {1, 2, 3}, null, null);
        assertThat(blind.statusCode()).as(blind.body()).isEqualTo(428);
        assertThat(blind.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        HttpResponse<String> stale = put(SMALL_FILE, new byte[] {1, 2, 3}, "If-Match", "\"0\"");
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
        assertProblem(send("DELETE", SMALL_FILE, null, "\"0\""), 412);
        assertProblem(send("POST", SMALL_FILE + "?op=move", "{\"destination\": \"/default/system-test/moved.bin\"}",
                "\"0\""), 412);
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + SMALL_FILE + "?op=stat", null, null).status())
                .isEqualTo(401);

        // Above the largest upload (256 MiB here): 413 from the announced length, before a byte of the body is sent.
        RawAnswer tooLarge = putHeadersOnly(DIR + "/too-large.bin", MAX_UPLOAD + 1);
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
        assertThat(tooLarge.contentType()).startsWith("application/problem+json");
        assertThat(tooLarge.body()).contains("256 MiB");
        assertProblem(api.get(DIR + "/too-large.bin?op=stat"), 404);

        // A quota overrun (tenant quota-test may hold 1 MiB): 403 problem with the numbers, announced or discovered
        // at commit; a file that fits is accepted.
        String quotaDir = "/api/v1/files/" + SMALL_TENANT;
        HttpResponse<String> fits = send(request(quotaDir + "/fits.bin", admin).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(randomBytes(512 * 1024, 3))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(201);
        byte[] twoMiB = randomBytes(2 * MIB, 4);
        HttpResponse<String> announced = send(request(quotaDir + "/over.bin", admin).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(twoMiB)).build(), HttpResponse.BodyHandlers.ofString());
        assertQuotaProblem(announced);
        HttpResponse<String> streamed = send(request(quotaDir + "/over.bin", admin).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(twoMiB))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertQuotaProblem(streamed);
        assertThat(ClusterApi.send("GET", cluster.gatewayUrl() + quotaDir + "/over.bin?op=stat", admin, null).status())
                .isEqualTo(404);

        assertThat(sha256(get(SMALL_FILE, null).body())).isEqualTo(sha256(SMALL));
        assertThat(api.get(SMALL_FILE + "?op=stat").json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void noPartialFileIsEverVisible() throws Exception {
        String slow = DIR + "/slow.bin";
        byte[] content = randomBytes(24 * MIB, 77);
        Set<String> chunksBefore = storedChunkIds();
        CountDownLatch resume = new CountDownLatch(1);
        CompletableFuture<HttpResponse<String>> upload = HTTP.sendAsync(request(slow).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new GatedStream(content, 20 * MIB, () -> {
                    awaitResume(resume);
                }))).build(), HttpResponse.BodyHandlers.ofString());
        try {
            // Two chunks of the upload are stored on workers, the third is waiting for its bytes.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> storedChunkIds().stream().filter(id -> !chunksBefore.contains(id)).count() >= 2);
            assertProblem(api.get(slow + "?op=stat"), 404);
            assertProblem(api.get(slow), 404);
            assertThat(names(api.get(DIR + "?op=list&limit=500").json())).doesNotContain("slow.bin");
        } finally {
            resume.countDown();
        }
        HttpResponse<String> done = upload.get(120, TimeUnit.SECONDS);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
        assertThat(api.get(slow + "?op=stat").json().path("checksum").asString()).isEqualTo(sha256(content));

        // An upload that breaks off never shows, neither as a new file nor over an existing one.
        String broken = DIR + "/broken.bin";
        HttpResponse<String> answer = sendQuietly(request(broken).header("If-None-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new GatedStream(content, 12 * MIB, () -> {
                    throw new IOException("the client breaks off");
                }))).build());
        assertThat(answer == null || answer.statusCode() >= 400).as("answer %s", answer).isTrue();
        String version = api.get(slow + "?op=stat").json().path("version").asString();
        HttpResponse<String> overwrite = sendQuietly(request(slow).header("If-Match", "\"" + version + "\"")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new GatedStream(randomBytes(24 * MIB, 78), 12 * MIB,
                        () -> {
                            throw new IOException("the client breaks off");
                        }))).build());
        assertThat(overwrite == null || overwrite.statusCode() >= 400).as("answer %s", overwrite).isTrue();
        assertProblem(api.get(broken + "?op=stat"), 404);
        JsonNode after = api.get(slow + "?op=stat").json();
        assertThat(after.path("version").asString()).isEqualTo(version);
        assertThat(sha256(get(slow, null).body())).isEqualTo(sha256(content));
    }

    @Test
    @Order(8)
    void aSigkilledWorkersReplicasAreBackOnThreeLiveWorkersWithin30SecondsAndTrimmedWhenItReturns() throws Exception {
        List<String> files = filesIn(DIR);
        assertThat(files).contains(BIG_FILE, SMALL_FILE);
        // The worker holding most replicas of the big file (with zones a, b, c, a one of b or c holds all 25).
        Map<String, Integer> held = new HashMap<>();
        for (JsonNode chunk : chunksOf(BIG_FILE)) {
            texts(chunk.path("replicas")).forEach(node -> held.merge(node, 1, Integer::sum));
        }
        String victim = held.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int worker = api.workerOfNode().get(victim);
        long replicasLost = 0;
        for (String file : files) {
            for (JsonNode chunk : chunksOf(file)) {
                replicasLost += texts(chunk.path("replicas")).contains(victim) ? chunk.path("size").asLong() : 0;
            }
        }

        Instant killedAt = Instant.now();
        cluster.process("node-" + worker).kill9();
        CompletableFuture<Download> readAtOnce = CompletableFuture.supplyAsync(() -> download(BIG_FILE, null));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEveryChunkHasItsReplicas(files, victim));
        long restoreMillis = Duration.between(killedAt, Instant.now()).toMillis();
        System.out.printf("node-%d (%d of %d chunks of the 200 MiB file, %.1f MiB of replicas in all) SIGKILLed: every "
                        + "chunk back to 3 live replicas %d ms later%n", worker, held.get(victim), chunksOf(BIG_FILE).size(),
                replicasLost / (double) MIB, restoreMillis);

        Download read = readAtOnce.get(120, TimeUnit.SECONDS);
        System.out.printf("200 MiB read started right after the kill: %d ms%n", read.millis());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.sha256()).isEqualTo(BIG.sha256());
        assertThat(restoreMillis).as("ms from SIGKILL to every chunk on 3 live replicas").isLessThanOrEqualTo(30_000);

        cluster.restart("node-" + worker);
        Instant back = Instant.now();
        await().atMost(Duration.ofSeconds(90)).until(
                () -> api.get("/api/v1/nodes?state=UP").json().path("items").size() == WORKERS);
        // The returning worker still has its replicas: every chunk is over-replicated until extras are trimmed.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertEveryChunkHasItsReplicas(files, null));
        System.out.printf("node-%d back: extra replicas trimmed %d ms after its restart%n", worker,
                Duration.between(back, Instant.now()).toMillis());
        assertThat(sha256(get(SMALL_FILE, null).body())).isEqualTo(sha256(SMALL));
    }

    // ---- checks ----

    /** Every chunk of every file has exactly its replication factor of replicas on distinct nodes other than {@code dead}. */
    private static void assertEveryChunkHasItsReplicas(List<String> files, String dead) {
        for (String file : files) {
            JsonNode stat = api.get(file + "?op=stat&replicas=true").json();
            int replication = stat.path("replication").asInt();
            for (JsonNode chunk : stat.path("chunks")) {
                List<String> replicas = texts(chunk.path("replicas"));
                List<String> live = replicas.stream().filter(r -> !r.equals(dead)).toList();
                assertThat(live).as("%s %s", file, chunk).hasSize(replication).doesNotHaveDuplicates();
                if (dead == null) {
                    assertThat(replicas).as("%s %s", file, chunk).hasSize(replication);
                }
            }
        }
    }

    @Test
    @Order(9)
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
        }, 4);

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

    private static void assertQuotaProblem(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isIn(403, 507);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = ClusterApi.JSON.readTree(answer.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/quota-exceeded");
        // e.g. "tenant quota-test would store 2.5 MiB of its 1 MiB quota": what it would hold after, and the limit
        assertThat(problem.path("detail").asString()).contains(SMALL_TENANT, "would store", "of its 1 MiB quota");
    }

    // ---- cluster reads ----

    private static List<JsonNode> chunksOf(String file) {
        List<JsonNode> chunks = new ArrayList<>();
        api.get(file + "?op=stat&replicas=true").json().path("chunks").forEach(chunks::add);
        return chunks;
    }

    /** The files directly in a directory, as API paths. */
    private static List<String> filesIn(String dir) {
        List<String> files = new ArrayList<>();
        for (JsonNode item : api.get(dir + "?op=list&limit=500").json().path("items")) {
            if (item.path("type").asString().equals("FILE")) {
                files.add("/api/v1/files" + item.path("path").asString());
            }
        }
        return files;
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.path("items").forEach(item -> {
            String path = item.path("path").asString();
            names.add(path.substring(path.lastIndexOf('/') + 1));
        });
        return names;
    }

    private static Map<String, String> zoneOfNode() {
        Map<String, String> zones = new HashMap<>();
        for (JsonNode node : api.get("/api/v1/nodes").json().path("items")) {
            zones.put(node.path("id").asString(), node.path("labels").path("zone").asString());
        }
        return zones;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /**
     * The key chunk tokens are signed with, as this cluster's services have it: {@code HOLON_CHUNK_TOKEN_SECRET}
     * (inherited from this JVM) or the default in {@code config/application.yml}.
     */
    private static String chunkTokenSecret() {
        String configured = System.getenv("HOLON_CHUNK_TOKEN_SECRET");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        try {
            String yaml = Files.readString(cluster.options().repository().resolve("config").resolve("application.yml"));
            Matcher matcher = Pattern.compile("chunk-token-secret:\\s*\\$\\{HOLON_CHUNK_TOKEN_SECRET:([^}]+)}").matcher(yaml);
            assertThat(matcher.find()).as("chunk-token-secret in config/application.yml").isTrue();
            return matcher.group(1).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- replicas on disk ----

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
        return workerFiles().stream().filter(f -> f.getFileName().toString().equals(chunkId)).toList();
    }

    /** The ids of the chunks the workers hold a replica of (their checksum sidecars). */
    private static Set<String> storedChunkIds() throws IOException {
        return workerFiles().stream().map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".crc"))
                .map(name -> name.substring(0, name.length() - ".crc".length())).collect(Collectors.toSet());
    }

    /**
     * The regular files under the workers' data directories. The workers keep deleting replicas meanwhile (repair,
     * garbage), so a file or directory gone between its listing and its visit is skipped, not an error.
     */
    private static List<Path> workerFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(workersData(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found;
    }

    private static Path workersData() {
        return cluster.home().resolve("data").resolve("workers");
    }

    // ---- HTTP ----

    private static HttpRequest.Builder request(String path) {
        return request(path, api.token());
    }

    private static HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(180))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream");
    }

    private static HttpResponse<String> put(String path, byte[] body, String header, String value) {
        HttpRequest.Builder request = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (header != null) {
            request.header(header, value);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A namespace command as the demo user, with a JSON body or none, and an If-Match. */
    private static ClusterApi.Response send(String method, String path, String json, String ifMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + api.token())
                .header("If-Match", ifMatch)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> answer = send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new ClusterApi.Response(answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""),
                answer.body());
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

    record Download(int status, long size, String sha256, long millis) {
    }

    /** Streams a file through SHA-256 (never in memory). */
    private static Download download(String path, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(180)).header("Authorization", "Bearer " + api.token());
        if (range != null) {
            request.header("Range", range);
        }
        Instant started = Instant.now();
        HttpResponse<InputStream> answer = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = sha256Digest();
        long size = 0;
        try (InputStream body = new DigestInputStream(answer.body(), sha)) {
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                size += n;
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading " + path + " broke off after " + size + " bytes: " + e, e);
        }
        return new Download(answer.statusCode(), size, HexFormat.of().formatHex(sha.digest()),
                Duration.between(started, Instant.now()).toMillis());
    }

    /**
     * Sends two uploads of {@code bodies} to one path with the same precondition, each pausing after {@code gate}
     * bytes until the other got there too, and answers both responses (in the order of the bodies).
     */
    private static List<HttpResponse<String>> race(String path, byte[][] bodies, String header, String value, int gate)
            throws Exception {
        CyclicBarrier together = new CyclicBarrier(bodies.length);
        List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
        for (byte[] body : bodies) {
            uploads.add(HTTP.sendAsync(request(path).header(header, value)
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new GatedStream(body, gate, () -> {
                        try {
                            together.await(120, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IOException("the other upload did not get this far: " + e, e);
                        }
                    }))).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> upload : uploads) {
            answers.add(upload.get(180, TimeUnit.SECONDS));
        }
        return answers;
    }

    /** The answer, or null when the request broke off (as a client that breaks off its own upload sees it). */
    private static HttpResponse<String> sendQuietly(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record RawAnswer(int status, String contentType, String body) {
    }

    /**
     * A PUT that announces {@code contentLength} bytes and sends none of them, over a plain socket (an HTTP client
     * would insist on sending the body): what a too-large upload is told before it sends anything.
     */
    private static RawAnswer putHeadersOnly(String path, long contentLength) throws IOException {
        URI gateway = URI.create(cluster.gatewayUrl());
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: " + gateway.getHost() + ":" + gateway.getPort() + "\r\n"
                    + "Authorization: Bearer " + api.token() + "\r\nContent-Type: application/octet-stream\r\n"
                    + "If-None-Match: *\r\nContent-Length: " + contentLength + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            while (true) {
                String status = line(in);
                Map<String, String> headers = new HashMap<>();
                for (String header; !(header = line(in)).isEmpty(); ) {
                    int colon = header.indexOf(':');
                    headers.put(header.substring(0, colon).trim().toLowerCase(), header.substring(colon + 1).trim());
                }
                int code = Integer.parseInt(status.split(" ")[1]);
                if (code == 100) {
                    continue;
                }
                StringBuilder body = new StringBuilder();
                if (headers.containsKey("content-length")) {
                    body.append(new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))),
                            StandardCharsets.UTF_8));
                } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                    for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                        body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                        line(in);
                    }
                }
                return new RawAnswer(code, headers.getOrDefault("content-type", ""), body.toString());
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed after '" + line + "'");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
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

    private static void awaitResume(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(120, TimeUnit.SECONDS)) {
                throw new IOException("not resumed within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ---- content ----

    /** What a gate does when the stream reaches it: wait, or throw to break the upload off. */
    @FunctionalInterface
    interface Gate {
        void pass() throws IOException;
    }

    /** {@code content}, stopping once at {@code gate} bytes until {@link Gate#pass} returns. */
    static final class GatedStream extends InputStream {
        private final byte[] content;
        private final int gate;
        private final Gate atGate;
        private int position;
        private boolean passed;

        GatedStream(byte[] content, int gate, Gate atGate) {
            this.content = content;
            this.gate = gate;
            this.atGate = atGate;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position == gate && !passed) {
                atGate.pass();
                passed = true;
            }
            if (position >= content.length) {
                return -1;
            }
            int limit = position < gate ? gate : content.length;
            int n = Math.min(length, limit - position);
            System.arraycopy(content, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    /** {@code size} pseudo-random bytes made 1 MiB block by block from a seed: streamed, sliced, never all in memory. */
    record Content(long size, long seed) {

        InputStream stream() {
            return new InputStream() {
                private long position;
                private byte[] block = new byte[0];
                private long blockIndex = -1;

                @Override
                public int read() {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    if (position >= size) {
                        return -1;
                    }
                    long index = position / MIB;
                    if (index != blockIndex) {
                        block = block(index);
                        blockIndex = index;
                    }
                    int within = (int) (position % MIB);
                    int n = (int) Math.min(Math.min(length, block.length - within), size - position);
                    System.arraycopy(block, within, buffer, offset, n);
                    position += n;
                    return n;
                }
            };
        }

        /** Bytes {@code from..to}, inclusive. */
        byte[] slice(long from, long to) {
            byte[] slice = new byte[(int) (to - from + 1)];
            try (InputStream in = stream()) {
                in.skipNBytes(from);
                in.readNBytes(slice, 0, slice.length);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return slice;
        }

        String sha256() {
            MessageDigest sha = sha256Digest();
            try (InputStream in = new DigestInputStream(stream(), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        private byte[] block(long index) {
            byte[] block = new byte[(int) Math.min(MIB, size - index * MIB)];
            new SplittableRandom(seed * 1_000_003 + index).nextBytes(block);
            return block;
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
