package dev.holon.storage.it;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.storage.repair.RepairLoop;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.AuthQuotaStandIn;
import dev.holon.testsupport.RegistryStandIn;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-service against real PostgreSQL, Kafka and Keycloak. The workers are {@link ChunkServerFixture}s (test
 * fixtures implementing docs/storage-data-path.md) and the registry is {@link RegistryStandIn}; the end-to-end run with
 * real workers is a system test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false", "holon.outbox.poll-interval=PT0.1S",
        "holon.storage.chunk-size=64KB", "holon.storage.max-upload-bytes=2MB",
        "holon.storage.repair-interval=PT0.5S", "holon.storage.leader-retry=PT0.3S",
        "holon.storage.node-view-refresh=PT0.5S", "holon.storage.worker-timeout=PT5S",
        "holon.auth.quota-cache-for=PT0.2S",
        "holon.storage.chunk-token-secret=" + StorageIT.SECRET})
class StorageIT {

    static final String SECRET = "storage-it-chunk-token-secret-0123456789abcdef";
    static final RegistryStandIn REGISTRY = new RegistryStandIn();
    static final AuthQuotaStandIn AUTH = new AuthQuotaStandIn();
    static final Map<String, ChunkServerFixture> WORKERS = new LinkedHashMap<>();
    static final Map<String, String> ZONES = Map.of("n1", "a", "n2", "b", "n3", "c", "n4", "a", "n5", "b");
    static final Envelopes ENVELOPES = new Envelopes("/it/worker", Clock.systemUTC());
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static KeycloakTokens tokens;
    static KafkaProducer<String, EventEnvelope<?>> producer;
    static TopicRecorder<EventEnvelope<Object>> storageFacts;

    @LocalServerPort
    int port;

    @Autowired
    RepairLoop repair;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerAll(registry, "storage");
        registry.add("holon.storage.registry-url", REGISTRY::url);
        registry.add("holon.auth.url", AUTH::url);
    }

    @BeforeAll
    static void start() {
        for (String id : ZONES.keySet().stream().sorted().toList()) {
            ChunkServerFixture worker = new ChunkServerFixture(id, SECRET);
            WORKERS.put(id, worker);
            REGISTRY.node(id, NodeState.UP, ZONES.get(id), worker.url());
        }
        tokens = TestInfrastructure.tokens();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new EnvelopeSerializer());
        storageFacts = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.STORAGE_EVENTS,
                new EnvelopeDeserializer());
    }

    @AfterEach
    void everyNodeBackUp() {
        WORKERS.forEach((id, worker) -> {
            worker.dead(false);
            REGISTRY.node(id, NodeState.UP, ZONES.get(id), worker.url());
        });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        producer.close();
        storageFacts.close();
        WORKERS.values().forEach(ChunkServerFixture::close);
        REGISTRY.close();
        AUTH.close();
    }

    // ---------------------------------------------------------------- data path

    @Test
    void aMultiChunkFileRoundTripsByteForByteWithRangesAndThreeReplicasOnDistinctNodes() throws Exception {
        String user = tokens.demo();
        byte[] data = randomBytes(300_000, 1); // 5 chunks of 64 KiB
        HttpResponse<String> created = put("/api/v1/files/default/roundtrip/data.bin", user, data, "If-None-Match", "*");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode view = ApiClient.JSON.readTree(created.body());
        assertThat(view.path("size").asLong()).isEqualTo(300_000);
        assertThat(view.path("checksum").asString()).isEqualTo(sha256(data));
        assertThat(view.path("type").asString()).isEqualTo("FILE");
        assertThat(view.path("replication").asInt()).isEqualTo(3);
        assertThat(view.path("owner").asString()).isEqualTo("demo");
        assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/files/default/roundtrip/data.bin");

        HttpResponse<byte[]> download = get("/api/v1/files/default/roundtrip/data.bin", user);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(data);
        assertThat(sha256(download.body())).isEqualTo(view.path("checksum").asString());
        assertThat(download.headers().firstValue("Content-Length")).contains("300000");
        assertThat(download.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(download.headers().firstValue("ETag")).contains("\"1\"");

        HttpResponse<byte[]> range = get("/api/v1/files/default/roundtrip/data.bin", user, "Range", "bytes=60000-140000");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 60_000, 140_001));
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 60000-140000/300000");
        HttpResponse<byte[]> tail = get("/api/v1/files/default/roundtrip/data.bin", user, "Range", "bytes=-10");
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(data, 299_990, 300_000));
        HttpResponse<byte[]> beyond = get("/api/v1/files/default/roundtrip/data.bin", user, "Range", "bytes=400000-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(new String(beyond.body())).contains("/problems/range-not-satisfiable");

        ApiClient api = new ApiClient(port);
        JsonNode stat = api.get("/api/v1/files/default/roundtrip/data.bin?op=stat&replicas=true", user).json();
        assertThat(stat.path("path").asString()).isEqualTo("/default/roundtrip/data.bin");
        assertThat(stat.path("chunks")).hasSize(5);
        for (JsonNode chunk : stat.path("chunks")) {
            List<String> replicas = new ArrayList<>();
            chunk.path("replicas").forEach(r -> replicas.add(r.asString()));
            assertThat(replicas).hasSize(3).doesNotHaveDuplicates();
            assertThat(replicas.stream().map(ZONES::get).distinct()).as("three zones").hasSize(3);
            for (String node : replicas) {
                assertThat(WORKERS.get(node).holds(chunk.path("chunkId").asString())).isTrue();
            }
        }
        assertThat(api.get("/api/v1/files/default/roundtrip/data.bin?op=stat", user).json().has("chunks")).isFalse();

        JsonNode list = api.get("/api/v1/files/default/roundtrip?op=list", user).json();
        assertThat(list.path("items")).singleElement().satisfies(i -> assertThat(i.path("path").asString())
                .isEqualTo("/default/roundtrip/data.bin"));
        JsonNode parent = api.get("/api/v1/files/default/roundtrip?op=stat", user).json();
        assertThat(parent.path("type").asString()).isEqualTo("DIRECTORY");
        ApiClient.Response dirDownload = api.get("/api/v1/files/default/roundtrip", user);
        assertThat(dirDownload.status()).isEqualTo(400);
        assertThat(dirDownload.body()).contains("op=list");

        await().atMost(Duration.ofSeconds(10)).until(() -> storageFacts.values().stream()
                .anyMatch(e -> e.data() instanceof StorageEvent.FileWritten w && w.path().equals("/default/roundtrip/data.bin")
                        && w.checksum().equals(sha256(data))));
    }

    @Test
    void aDirectUploadBecomesVisibleOnlyWhenGenuineReceiptsProveEveryChunkAndIsReadByLocating() throws Exception {
        String user = tokens.demo();
        String path = "/api/v1/files/default/direct/d.bin";
        byte[] content = randomBytes(200_000, 21); // 4 chunks of at most 64 KB
        HttpResponse<String> begun = post(path + "?op=upload", user, "{\"size\": 200000}", "If-None-Match", "*");
        assertThat(begun.statusCode()).as(begun.body()).isEqualTo(201);
        JsonNode plan = ApiClient.JSON.readTree(begun.body());
        assertThat(plan.path("chunks")).hasSize(4);
        String uploadId = plan.path("uploadId").asString();

        List<String> checksums = new ArrayList<>();
        List<String> receipts = new ArrayList<>(); // each a JSON array, as the first worker answered it
        int offset = 0;
        for (JsonNode chunk : plan.path("chunks")) {
            List<String> targets = new ArrayList<>();
            chunk.path("targets").forEach(t -> targets.add(t.asString()));
            assertThat(targets).hasSize(3).doesNotHaveDuplicates();
            byte[] bytes = Arrays.copyOfRange(content, offset, offset + chunk.path("size").asInt());
            offset += bytes.length;
            HttpResponse<String> written = HTTP.send(HttpRequest.newBuilder(URI.create(targets.getFirst()
                            + "/api/v1/chunks/" + chunk.path("chunkId").asString()))
                    .header("X-Holon-Chunk-Token", chunk.path("token").asString())
                    .header("X-Holon-Chunk-Checksum", ChunkServerFixture.crc32c(bytes))
                    .header("X-Holon-Chunk-Pipeline", String.join(",", targets.subList(1, 3)))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
            JsonNode answer = ApiClient.JSON.readTree(written.body());
            assertThat(answer.path("receipts")).hasSize(3);
            checksums.add(ChunkServerFixture.crc32c(bytes));
            receipts.add(answer.path("receipts").toString());
        }
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stored.add(storedChunk(i, checksums.get(i), receipts.get(i)));
        }
        String sha = sha256(content);

        // receipts of another chunk prove nothing about this one; a missing chunk is a mistake; nothing is visible
        List<String> swapped = new ArrayList<>(stored);
        swapped.set(0, storedChunk(0, checksums.get(0), receipts.get(1)));
        HttpResponse<String> forged = post(path + "?op=commit&upload=" + uploadId, user, commitBody(sha, swapped), "If-None-Match", "*");
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(409);
        assertThat(forged.body()).contains("chunk 0");
        HttpResponse<String> partial = post(path + "?op=commit&upload=" + uploadId, user,
                commitBody(sha, stored.subList(0, 3)), "If-None-Match", "*");
        assertThat(partial.statusCode()).as(partial.body()).isEqualTo(400);
        assertThat(get(path + "?op=stat", user).statusCode()).isEqualTo(404);

        HttpResponse<String> committed = post(path + "?op=commit&upload=" + uploadId, user, commitBody(sha, stored), "If-None-Match", "*");
        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(201);
        assertThat(committed.headers().firstValue("ETag")).contains("\"1\"");
        assertThat(get(path, user).body()).isEqualTo(content);
        assertThat(post(path + "?op=commit&upload=" + uploadId, user, commitBody(sha, stored), "If-Match", "\"1\"").statusCode())
                .as("an upload commits once").isEqualTo(409);

        JsonNode located = ApiClient.JSON.readTree(new String(get(path + "?op=locate", user).body()));
        assertThat(located.path("size").asLong()).isEqualTo(content.length);
        int at = 0;
        for (JsonNode chunk : located.path("chunks")) {
            assertThat(chunk.path("offset").asLong()).isEqualTo(at);
            assertThat(chunk.path("replicas")).hasSize(3);
            HttpResponse<byte[]> read = HTTP.send(HttpRequest.newBuilder(URI.create(chunk.path("replicas").get(0).asString()
                    + "/api/v1/chunks/" + chunk.path("chunkId").asString()))
                    .header("X-Holon-Chunk-Token", chunk.path("token").asString()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(read.body()).isEqualTo(Arrays.copyOfRange(content, at, at + chunk.path("size").asInt()));
            at += chunk.path("size").asInt();
        }
        assertThat(at).isEqualTo(content.length);

        assertThat(post(path + "?op=upload", user, "{\"size\": 10}").statusCode()).as("a blind overwrite").isEqualTo(428);
        assertThat(post("/api/v1/files/default/direct/big.bin?op=upload", user, "{\"size\": 3000000}").statusCode())
                .as("above max-upload-bytes").isEqualTo(413);
        assertThat(post("/api/v1/files/default/direct/neg.bin?op=upload", user, "{\"size\": -1}").statusCode()).isEqualTo(400);
    }

    @Test
    void aDirectoryIsLocatedAPageOfFilesAtATimeEachReadableFromItsWorkers() throws Exception {
        String user = tokens.demo();
        Map<String, byte[]> contents = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = randomBytes(70_000 + i * 1000, 50 + i); // 2 chunks each
            contents.put("f" + i + ".bin", data);
            assertThat(put("/api/v1/files/default/many/f" + i + ".bin", user, data, "If-None-Match", "*").statusCode())
                    .isEqualTo(201);
        }
        assertThat(post("/api/v1/files/default/many/sub?op=mkdir", user, "").statusCode()).isEqualTo(201);

        Map<String, byte[]> read = new TreeMap<>();
        List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<byte[]> answer = get("/api/v1/files/default/many?op=locate&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor), user);
            assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
            JsonNode page = ApiClient.JSON.readTree(new String(answer.body()));
            pageSizes.add(page.path("items").size());
            for (JsonNode file : page.path("items")) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (JsonNode chunk : file.path("chunks")) {
                    assertThat(chunk.path("replicas")).hasSize(3);
                    bytes.write(HTTP.send(HttpRequest.newBuilder(URI.create(chunk.path("replicas").get(0).asString()
                                    + "/api/v1/chunks/" + chunk.path("chunkId").asString()))
                            .header("X-Holon-Chunk-Token", chunk.path("token").asString()).GET().build(),
                            HttpResponse.BodyHandlers.ofByteArray()).body());
                }
                assertThat(file.path("size").asLong()).isEqualTo(bytes.size());
                read.put(file.path("path").asString().substring("/default/many/".length()), bytes.toByteArray());
            }
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
        } while (cursor != null);

        assertThat(read.keySet()).containsExactlyElementsOf(contents.keySet());
        contents.forEach((name, data) -> assertThat(read.get(name)).as(name).isEqualTo(data));
        assertThat(pageSizes).as("the subdirectory holds a place in its page, unlocated").containsExactly(2, 2, 1);
        assertThat(ApiClient.JSON.readTree(new String(get("/api/v1/files/default/many/f1.bin?op=locate", user).body()))
                .path("chunks")).as("a file is located alone, as before").hasSize(2);
        assertThat(get("/api/v1/files/default/many?op=locate&limit=501", user).statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/files/default/nowhere?op=locate", user).statusCode()).isEqualTo(404);
    }

    private static String storedChunk(int index, String checksum, String receipts) {
        return "{\"index\": " + index + ", \"checksum\": \"" + checksum + "\", \"receipts\": " + receipts + "}";
    }

    private static String commitBody(String sha, List<String> chunks) {
        return "{\"sha256\": \"" + sha + "\", \"chunks\": [" + String.join(",", chunks) + "]}";
    }

    private HttpResponse<String> post(String path, String token, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void overwritesNeedTheCurrentVersionAndAFailedUploadLeavesTheOldContent() throws Exception {
        String user = tokens.demo();
        String path = "/api/v1/files/default/versions/v.txt";
        byte[] first = randomBytes(100_000, 2);
        assertThat(put(path, user, first, "If-None-Match", "*").statusCode()).isEqualTo(201);

        HttpResponse<String> blind = put(path, user, randomBytes(10, 3));
        assertThat(blind.statusCode()).isEqualTo(428);
        assertThat(blind.body()).contains("/problems/precondition-required");
        assertThat(put(path, user, randomBytes(10, 3), "If-None-Match", "*").statusCode()).isEqualTo(412);

        byte[] second = randomBytes(150_000, 4);
        HttpResponse<String> overwritten = put(path, user, second, "If-Match", "\"1\"");
        assertThat(overwritten.statusCode()).isEqualTo(200);
        assertThat(overwritten.headers().firstValue("ETag")).contains("\"2\"");
        HttpResponse<String> stale = put(path, user, randomBytes(10, 5), "If-Match", "\"1\"");
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.body()).contains("/problems/precondition-failed");
        assertThat(get(path, user).body()).isEqualTo(second);

        // every worker dies in the middle of the cluster's life: the upload fails and the old content stays
        WORKERS.values().forEach(w -> w.dead(true));
        HttpResponse<String> failed = put(path, user, randomBytes(200_000, 6), "If-Match", "\"2\"");
        assertThat(failed.statusCode()).isEqualTo(503);
        WORKERS.values().forEach(w -> w.dead(false));
        HttpResponse<byte[]> after = get(path, user);
        assertThat(after.body()).isEqualTo(second);
        assertThat(after.headers().firstValue("ETag")).contains("\"2\"");

        // an upload whose size is only discovered while streaming (no Content-Length) and is too large: 413, nothing changes
        HttpResponse<String> tooLarge = putStreamed(path, user, randomBytes(2_200_000, 7), "If-Match", "\"2\"");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("/problems/payload-too-large").contains("2 MiB");
        assertThat(get(path, user).body()).isEqualTo(second);
    }

    @Test
    void refusesTooLargeUploadsAndQuotaOverrunsWithTheNumbers() throws Exception {
        String user = tokens.demo();
        HttpResponse<String> tooLarge = put("/api/v1/files/default/big.bin", user, randomBytes(2_200_000, 8));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(tooLarge.body()).contains("2 MiB");
        assertThat(new ApiClient(port).get("/api/v1/files/default/big.bin?op=stat", user).status()).isEqualTo(404);

        // auth-service gives tenant "small" 300 KiB and 3 files; admins may write into any tenant
        AUTH.quota("small", new TenantQuota(null, null, null, 300L * 1024, 3L));
        String admin = tokens.admin();
        assertThat(put("/api/v1/files/small/a.bin", admin, randomBytes(200_000, 9)).statusCode()).isEqualTo(201);
        HttpResponse<String> overQuota = put("/api/v1/files/small/b.bin", admin, randomBytes(200_000, 10));
        assertThat(overQuota.statusCode()).isEqualTo(403);
        assertThat(overQuota.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        JsonNode problem = ApiClient.JSON.readTree(overQuota.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/quota-exceeded");
        assertThat(problem.path("detail").asString()).isEqualTo("tenant small would store 390.6 KiB of its 300 KiB quota");
        HttpResponse<String> streamedOver = putStreamed("/api/v1/files/small/c.bin", admin, randomBytes(200_000, 11));
        assertThat(streamedOver.statusCode()).as("checked again at commit").isEqualTo(403);
        // nothing of the refused uploads is visible
        ApiClient api = new ApiClient(port);
        assertThat(api.get("/api/v1/files/small?op=list", admin).json().path("items")).hasSize(1);
        assertThat(api.get("/api/v1/files/small/b.bin?op=stat", admin).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/files/small/c.bin?op=stat", admin).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/files/small/a.bin?op=stat", admin).json().path("size").asLong()).isEqualTo(200_000);

        // the file count: small files fit the bytes, the fourth file does not fit the count
        assertThat(put("/api/v1/files/small/d.bin", admin, randomBytes(1000, 12)).statusCode()).isEqualTo(201);
        assertThat(put("/api/v1/files/small/e.bin", admin, randomBytes(1000, 13)).statusCode()).isEqualTo(201);
        HttpResponse<String> tooMany = put("/api/v1/files/small/f.bin", admin, randomBytes(1000, 14));
        assertThat(tooMany.statusCode()).isEqualTo(403);
        assertThat(ApiClient.JSON.readTree(tooMany.body()).path("detail").asString())
                .isEqualTo("tenant small would have 4 files of its 3 quota");
        // an overwrite adds no file, and a smaller one frees bytes
        assertThat(put("/api/v1/files/small/d.bin", admin, randomBytes(500, 15), "If-Match", "*").statusCode())
                .isEqualTo(200);

        // auth-service raises the quota: the same upload is accepted once the cached quota expires
        AUTH.quota("small", new TenantQuota(null, null, null, 1024L * 1024, 10L));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                put("/api/v1/files/small/b.bin", admin, randomBytes(200_000, 10)).statusCode() == 201);
    }

    // ---------------------------------------------------------------- namespace

    @Test
    void directoriesAreMadeMovedAndDeleted() throws Exception {
        String user = tokens.demo();
        ApiClient api = new ApiClient(port);
        ApiClient.Response made = api.send("POST", "/api/v1/files/default/tree/a/b?op=mkdir", user, null);
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().path("type").asString()).isEqualTo("DIRECTORY");
        assertThat(api.send("POST", "/api/v1/files/default/tree/a/b?op=mkdir", user, null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/files/default/tree/a?op=stat", user).json().path("type").asString()).isEqualTo("DIRECTORY");
        byte[] data = randomBytes(70_000, 12);
        assertThat(put("/api/v1/files/default/tree/a/b/f.bin", user, data).statusCode()).isEqualTo(201);
        assertThat(api.send("POST", "/api/v1/files/default/tree/a/b/f.bin?op=mkdir", user, null).status()).isEqualTo(409);
        assertThat(put("/api/v1/files/default/tree/a/b/f.bin/under", user, data).statusCode()).isEqualTo(409);

        for (int i = 0; i < 3; i++) {
            api.send("POST", "/api/v1/files/default/tree/list/d" + i + "?op=mkdir", user, null);
        }
        JsonNode page1 = api.get("/api/v1/files/default/tree/list?op=list&limit=2", user).json();
        assertThat(page1.path("items")).hasSize(2);
        JsonNode page2 = api.get("/api/v1/files/default/tree/list?op=list&limit=2&cursor=" + page1.path("nextCursor").asString(), user).json();
        assertThat(page2.path("items")).singleElement().satisfies(i -> assertThat(i.path("path").asString()).isEqualTo("/default/tree/list/d2"));
        assertThat(page2.path("nextCursor").isNull() || page2.path("nextCursor").isMissingNode()).isTrue();
        assertThat(api.get("/api/v1/files/default/tree/list?op=list&limit=501", user).status()).isEqualTo(400);

        ApiClient.Response moved = api.send("POST", "/api/v1/files/default/tree/a?op=move", user,
                "{\"destination\": \"/default/tree/z\"}");
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().path("path").asString()).isEqualTo("/default/tree/z");
        assertThat(get("/api/v1/files/default/tree/z/b/f.bin", user).body()).isEqualTo(data);
        assertThat(api.get("/api/v1/files/default/tree/a/b/f.bin?op=stat", user).status()).isEqualTo(404);
        assertThat(api.send("POST", "/api/v1/files/default/tree/z?op=move", user,
                "{\"destination\": \"/default/tree/list\"}").status()).isEqualTo(409);
        assertThat(api.send("POST", "/api/v1/files/default/tree/z/b/f.bin?op=move", user,
                "{\"destination\": \"/default/tree/g.bin\"}", "If-Match", "\"7\"").status()).isEqualTo(412);

        ApiClient.Response notEmpty = api.send("DELETE", "/api/v1/files/default/tree/z", user, null);
        assertThat(notEmpty.status()).isEqualTo(409);
        assertThat(notEmpty.body()).contains("recursive=true");
        assertThat(api.send("DELETE", "/api/v1/files/default/tree/z/b/f.bin", user, null, "If-Match", "\"9\"").status())
                .isEqualTo(412);
        assertThat(api.send("DELETE", "/api/v1/files/default/tree/z?recursive=true", user, null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/files/default/tree/z/b/f.bin?op=stat", user).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10)).until(() -> storageFacts.values().stream()
                .anyMatch(e -> e.data() instanceof StorageEvent.FileDeleted d && d.path().equals("/default/tree/z/b/f.bin")));
    }

    @Test
    void anotherTenantsFilesAndFoldersAreNotFound() throws Exception {
        String admin = tokens.admin();
        String user = tokens.demo(); // tenant "default"
        assertThat(put("/api/v1/files/acme/secret/plan.txt", admin, "for acme only".getBytes()).statusCode()).isEqualTo(201);
        ApiClient api = new ApiClient(port);
        List<ApiClient.Response> answers = List.of(
                api.get("/api/v1/files/acme/secret/plan.txt", user),
                api.get("/api/v1/files/acme/secret/plan.txt?op=stat", user),
                api.get("/api/v1/files/acme/secret?op=list", user),
                api.get("/api/v1/files/acme?op=list", user),
                api.get("/api/v1/files/acme/secret?op=locate", user),
                api.get("/api/v1/files/acme?op=locate&limit=10", user),
                api.send("POST", "/api/v1/files/acme/secret/plan.txt?op=move", user, "{\"destination\": \"/default/stolen.txt\"}"),
                api.send("POST", "/api/v1/files/default/mine?op=move", user, "{\"destination\": \"/acme/secret/x\"}"),
                api.send("DELETE", "/api/v1/files/acme/secret?recursive=true", user, null));
        for (ApiClient.Response answer : answers) {
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body()).contains("/problems/not-found").doesNotContain("for acme only");
        }
        assertThat(put("/api/v1/files/acme/secret/plan.txt", user, "overwrite".getBytes(), "If-Match", "\"1\"").statusCode())
                .isEqualTo(404);
        assertThat(get("/api/v1/files/acme/secret/plan.txt", admin).body()).isEqualTo("for acme only".getBytes());
    }

    @Test
    void pathsThatEscapeOrAreMalformedAreRefused() throws Exception {
        String user = tokens.demo();
        ApiClient api = new ApiClient(port);
        for (String bad : List.of("/api/v1/files/default/%2e%2e/acme/secret/plan.txt?op=stat",
                "/api/v1/files/default/a/%2E/b?op=stat", "/api/v1/files/default/a%00b?op=stat",
                "/api/v1/files/default/a%0Ab?op=stat", "/api/v1/files/default/" + "n".repeat(300) + "?op=stat")) {
            ApiClient.Response answer = api.get(bad, user);
            assertThat(answer.status()).as(bad).isEqualTo(400);
        }
        ApiClient.Response dots = api.send("POST", "/api/v1/files/default/tree2?op=mkdir", user, null);
        assertThat(dots.status()).isEqualTo(201);
        for (String body : List.of("{\"destination\": \"/default/../acme/x\"}", "{\"destination\": \"relative/x\"}",
                "{\"destinaton\": \"/default/x\"}", "{\"destination\": ", "{}")) {
            ApiClient.Response answer = api.send("POST", "/api/v1/files/default/tree2?op=move", user, body);
            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.header("Content-Type")).contains("application/problem+json");
        }
        assertThat(api.send("POST", "/api/v1/files/default/tree2?op=chmod", user, null).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/files/default/tree2?op=stat", null).status()).isEqualTo(401);
    }

    /** curl --data-binary sends a form content type: the upload is refused with 415 (it was a 500), nothing stored. */
    @Test
    void anUploadThatIsNotOctetStreamIsRefusedWithWhatToSend() throws Exception {
        String user = tokens.demo();
        byte[] notAForm = {'%', (byte) 0xff, '=', 0x13, '&'};
        HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/files/default/form.bin"))
                .header("Authorization", "Bearer " + user).header("If-None-Match", "*")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(notAForm)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(form.body()).contains("application/octet-stream");
        assertThat(new ApiClient(port).get("/api/v1/files/default/form.bin?op=stat", user).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- repair

    @Test
    void aCorruptReplicaIsReadAroundAndReplaced() throws Exception {
        String user = tokens.demo();
        byte[] data = randomBytes(130_000, 13);
        assertThat(put("/api/v1/files/default/corrupt/c.bin", user, data).statusCode()).isEqualTo(201);
        JsonNode chunk = stat("/default/corrupt/c.bin", user).path("chunks").get(0);
        String chunkId = chunk.path("chunkId").asString();
        List<String> holders = new ArrayList<>();
        chunk.path("replicas").forEach(r -> holders.add(r.asString()));
        List<String> bad = holders.subList(0, 2);
        bad.forEach(node -> WORKERS.get(node).serveCorrupt(chunkId));

        assertThat(get("/api/v1/files/default/corrupt/c.bin", user).body()).as("read around the corrupt replicas").isEqualTo(data);
        for (String node : bad) { // what the worker's scrubber (or its read check) reports
            publish(Topics.STORAGE_EVENTS, chunkId, new StorageEvent.ChunkCorrupted(chunkId, node, chunk.path("checksum").asString(),
                    "00000000", Instant.now()));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> replicas = new ArrayList<>();
            stat("/default/corrupt/c.bin", user).path("chunks").get(0).path("replicas").forEach(r -> replicas.add(r.asString()));
            assertThat(replicas).hasSize(3).doesNotContainAnyElementsOf(bad);
            for (String node : bad) {
                assertThat(WORKERS.get(node).holds(chunkId)).as("corrupt replica deleted on " + node).isFalse();
            }
        });
        assertThat(get("/api/v1/files/default/corrupt/c.bin", user).body()).isEqualTo(data);
    }

    @Test
    void theChunksOfADownNodeAreCopiedElsewhereAndTrimmedWhenItComesBack() throws Exception {
        String user = tokens.demo();
        byte[] data = randomBytes(330_000, 14);
        assertThat(put("/api/v1/files/default/down/d.bin", user, data).statusCode()).isEqualTo(201);
        Map<String, Set<String>> before = replicasByChunk("/default/down/d.bin", user);
        String victim = before.values().iterator().next().iterator().next();

        WORKERS.get(victim).dead(true);
        assertThat(get("/api/v1/files/default/down/d.bin", user).body()).as("read around the dead node").isEqualTo(data);
        REGISTRY.node(victim, NodeState.DOWN, ZONES.get(victim), WORKERS.get(victim).url());
        publish(Topics.NODE_EVENTS, victim, new NodeEvent.NodeDown(victim, Instant.now()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Map.Entry<String, Set<String>> chunk : replicasByChunk("/default/down/d.bin", user).entrySet()) {
                Set<String> live = new HashSet<>(chunk.getValue());
                live.remove(victim);
                assertThat(live).as("live replicas of " + chunk.getKey()).hasSize(3);
                for (String node : live) {
                    assertThat(WORKERS.get(node).holds(chunk.getKey())).isTrue();
                }
            }
        });
        assertThat(get("/api/v1/files/default/down/d.bin", user).body()).isEqualTo(data);

        WORKERS.get(victim).dead(false);
        REGISTRY.node(victim, NodeState.UP, ZONES.get(victim), WORKERS.get(victim).url());
        publish(Topics.NODE_EVENTS, victim, new NodeEvent.NodeUp(victim, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Map.Entry<String, Set<String>> chunk : replicasByChunk("/default/down/d.bin", user).entrySet()) {
                assertThat(chunk.getValue()).as("trimmed back to 3: " + chunk.getKey()).hasSize(3);
                long holding = WORKERS.values().stream().filter(w -> w.holds(chunk.getKey())).count();
                assertThat(holding).as("workers holding " + chunk.getKey()).isEqualTo(3);
            }
        });
        assertThat(repair.isLeader()).isTrue();
        assertThat(get("/api/v1/files/default/down/d.bin", user).body()).isEqualTo(data);
    }

    @Test
    void theChunksOfADrainingNodeAreMovedOffIt() throws Exception {
        String user = tokens.demo();
        byte[] data = randomBytes(200_000, 17);
        assertThat(put("/api/v1/files/default/drain/d.bin", user, data).statusCode()).isEqualTo(201);
        String drained = replicasByChunk("/default/drain/d.bin", user).values().iterator().next().iterator().next();

        REGISTRY.node(drained, NodeState.UP, ZONES.get(drained), WORKERS.get(drained).url(), true);
        publish(Topics.NODE_EVENTS, drained, new NodeEvent.NodeDrainRequested(drained, "operator"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (Map.Entry<String, Set<String>> chunk : replicasByChunk("/default/drain/d.bin", user).entrySet()) {
                assertThat(chunk.getValue()).hasSize(3).doesNotContain(drained);
                assertThat(WORKERS.get(drained).holds(chunk.getKey())).isFalse();
            }
        });
        assertThat(get("/api/v1/files/default/drain/d.bin", user).body()).isEqualTo(data);
    }

    @Test
    void chunksOfOverwrittenAndDeletedFilesAreDeletedFromTheWorkers() throws Exception {
        String user = tokens.demo();
        assertThat(put("/api/v1/files/default/gc/g.bin", user, randomBytes(100_000, 15)).statusCode()).isEqualTo(201);
        Set<String> old = replicasByChunk("/default/gc/g.bin", user).keySet();
        assertThat(put("/api/v1/files/default/gc/g.bin", user, randomBytes(100_000, 16), "If-Match", "\"1\"").statusCode())
                .isEqualTo(200);
        Set<String> current = replicasByChunk("/default/gc/g.bin", user).keySet();
        await().atMost(Duration.ofSeconds(20)).until(() -> WORKERS.values().stream().noneMatch(w -> old.stream().anyMatch(w::holds)));
        assertThat(new ApiClient(port).send("DELETE", "/api/v1/files/default/gc/g.bin", user, null).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).until(() -> WORKERS.values().stream().noneMatch(w -> current.stream().anyMatch(w::holds)));
    }

    // ---------------------------------------------------------------- helpers

    private JsonNode stat(String path, String token) {
        return new ApiClient(port).get("/api/v1/files" + path + "?op=stat&replicas=true", token).json();
    }

    private Map<String, Set<String>> replicasByChunk(String path, String token) {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (JsonNode chunk : stat(path, token).path("chunks")) {
            Set<String> nodes = new HashSet<>();
            chunk.path("replicas").forEach(r -> nodes.add(r.asString()));
            result.put(chunk.path("chunkId").asString(), nodes);
        }
        return result;
    }

    private static void publish(String topic, String key, Object data) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, ENVELOPES.wrap(key, null, data))).get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<String> put(String path, String token, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A PUT without Content-Length (chunked transfer): the size is only known at the end of the stream. */
    private HttpResponse<String> putStreamed(String path, String token, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> get(String path, String token, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
