package dev.holon.worker;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.localcluster.infra.KafkaHost;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import dev.holon.worker.identity.NodeIdentity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Three real workers (the application as {@code main} starts it, three data dirs, three ports) serving chunks to
 * each other, against the real Kafka and Keycloak of {@code test-support}, checked through their HTTP API and on
 * disk, the way storage-service and an operator would see them.
 */
class ChunkStoreIT {

    static final String SECRET = "chunk-store-it-secret-of-at-least-32-bytes";
    static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ChunkToken TOKENS = ChunkToken.fromSecret(SECRET);
    private static final String READER_VERIFIES = "X-Holon-Chunk-Reader-Verifies";

    record Worker(ConfigurableApplicationContext context, String url, String nodeId, Path dataDir) {

        Path chunkFile(String chunkId) {
            return dataDir.resolve("chunks").resolve(chunkId.substring(0, 2)).resolve(chunkId);
        }
    }

    private static KeycloakServer keycloak;
    private static KafkaHost kafka;
    private static RegistryStandIn registry;
    private static TopicRecorder<EventEnvelope<Object>> storageEvents;
    private static final List<Worker> workers = new ArrayList<>();

    @BeforeAll
    static void startThreeWorkers() throws Exception {
        keycloak = TestInfrastructure.keycloak();
        kafka = TestInfrastructure.kafka();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.STORAGE_EVENTS, 1, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            // already there (another IT of this JVM)
        }
        storageEvents = new TopicRecorder<>(kafka.bootstrapServers(), Topics.STORAGE_EVENTS, new EnvelopeDeserializer());
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(keycloak.issuerUri() + "/protocol/openid-connect/certs").build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(keycloak.issuerUri()));
        registry = new RegistryStandIn(decoder);
        for (int i = 1; i <= 3; i++) {
            workers.add(startWorker(i));
        }
    }

    static Worker startWorker(int number) throws IOException {
        // -Dchunks.it.dir=/dev/shm puts the replicas in memory (to tell the data path from the disk's speed);
        // -Dchunks.it.sync=true fsyncs every replica (holon.worker.chunks.sync-on-close).
        String parent = System.getProperty("chunks.it.dir");
        Path dataDir = parent == null ? Files.createTempDirectory("chunk-it-w" + number)
                : Files.createTempDirectory(Path.of(parent), "chunk-it-w" + number);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeWorkerApplication.class).run(
                "--spring.cloud.config.enabled=false",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + keycloak.issuerUri(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + keycloak.issuerUri() + "/protocol/openid-connect/certs",
                "--holon.worker.registry-url=" + registry.url(),
                "--holon.worker.scheduler-urls=" + unusedPortUrl(),
                "--holon.worker.data-dir=" + dataDir,
                "--holon.worker.chunks.token-secret=" + SECRET,
                "--holon.worker.chunks.max-chunk-bytes=" + MAX_CHUNK,
                "--holon.worker.chunks.scrub-interval=PT1S",
                "--holon.worker.chunks.scrub-bytes-per-second=256MB",
                "--holon.worker.chunks.pipeline-timeout=PT10S",
                "--holon.worker.chunks.sync-on-close=" + Boolean.getBoolean("chunks.it.sync"),
                "--holon.worker.credentials.token-uri=" + keycloak.issuerUri() + "/protocol/openid-connect/token",
                "--holon.worker.credentials.client-id=" + KeycloakTokens.NODE_CLIENT,
                "--holon.worker.credentials.client-secret=" + KeycloakTokens.NODE_SECRET);
        String url = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        return new Worker(context, url, context.getBean(NodeIdentity.class).nodeId(), dataDir);
    }

    @AfterAll
    static void stopAll() throws Exception {
        workers.forEach(worker -> worker.context().close());
        if (registry != null) {
            registry.close();
        }
        if (storageEvents != null) {
            storageEvents.close();
        }
    }

    static Worker w(int number) {
        return workers.get(number - 1);
    }

    @Test
    void aPipelinedWriteLandsByteIdenticalOnAllThreeWorkers() throws Exception {
        String chunkId = newChunkId();
        byte[] data = randomBytes(8 * 1024 * 1024);

        HttpResponse<String> put = put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), w(2).url() + "," + w(3).url());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(put.body());
        assertThat(body.path("chunkId").asString()).isEqualTo(chunkId);
        assertThat(body.path("size").asLong()).isEqualTo(data.length);
        assertThat(body.path("checksum").asString()).isEqualTo(crc32c(data));
        assertThat(storedOn(body)).containsExactly(w(1).nodeId(), w(2).nodeId(), w(3).nodeId());
        for (Worker worker : workers) {
            assertThat(worker.chunkFile(chunkId)).hasBinaryContent(data);
            HttpResponse<byte[]> read = get(worker, chunkId, token(ChunkOp.READ, chunkId), null);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.headers().firstValue("X-Holon-Chunk-Checksum")).contains(crc32c(data));
            assertThat(read.body()).isEqualTo(data);
        }

        HttpResponse<String> again = put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), w(2).url());
        assertThat(again.statusCode()).as("idempotent").isEqualTo(201);
        assertThat(storedOn(JSON.readTree(again.body()))).containsExactly(w(1).nodeId(), w(2).nodeId());
    }

    @Test
    void aDeadDownstreamIsLeftOutOfStoredOnAndTheWriteStillSucceeds() throws Exception {
        String dead = unusedPortUrl();
        byte[] data = randomBytes(3 * 1024 * 1024 + 17);

        String first = newChunkId();
        HttpResponse<String> deadLast = put(w(1), first, data, token(ChunkOp.WRITE, first), w(2).url() + "," + dead);
        assertThat(deadLast.statusCode()).as(deadLast.body()).isEqualTo(201);
        assertThat(storedOn(JSON.readTree(deadLast.body()))).containsExactly(w(1).nodeId(), w(2).nodeId());
        assertThat(w(2).chunkFile(first)).hasBinaryContent(data);

        String second = newChunkId();
        HttpResponse<String> deadFirst = put(w(1), second, data, token(ChunkOp.WRITE, second), dead + "," + w(3).url());
        assertThat(deadFirst.statusCode()).isEqualTo(201);
        assertThat(storedOn(JSON.readTree(deadFirst.body()))).containsExactly(w(1).nodeId());
        assertThat(w(1).chunkFile(second)).hasBinaryContent(data);
        assertThat(w(3).chunkFile(second)).doesNotExist();
    }

    @Test
    void replicateCopiesAVerifiedReplicaToAnotherWorker() throws Exception {
        String chunkId = newChunkId();
        byte[] data = randomBytes(2 * 1024 * 1024 + 3);
        assertThat(put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), null).statusCode()).isEqualTo(201);
        assertThat(w(3).chunkFile(chunkId)).doesNotExist();

        HttpResponse<String> copied = replicate(w(1), chunkId, token(ChunkOp.READ, chunkId), w(3).url(),
                token(ChunkOp.WRITE, chunkId));

        assertThat(copied.statusCode()).as(copied.body()).isEqualTo(201);
        assertThat(storedOn(JSON.readTree(copied.body()))).containsExactly(w(3).nodeId());
        assertThat(w(3).chunkFile(chunkId)).hasBinaryContent(data);

        HttpResponse<String> badTargetToken = replicate(w(1), chunkId, token(ChunkOp.READ, chunkId), w(2).url(),
                token(ChunkOp.READ, chunkId));
        assertThat(badTargetToken.statusCode()).as("the target's answer, relayed").isEqualTo(403);
        assertThat(w(2).chunkFile(chunkId)).doesNotExist();
    }

    @Test
    void aCorruptedReplicaAbortsAWholeReadAndIsReportedByTheReadAndByTheScrubber() throws Exception {
        String readChunk = newChunkId();
        String scrubbedChunk = newChunkId();
        byte[] data = randomBytes(1024 * 1024 + 5);
        for (String chunkId : List.of(readChunk, scrubbedChunk)) {
            assertThat(put(w(2), chunkId, data, token(ChunkOp.WRITE, chunkId), null).statusCode()).isEqualTo(201);
            flipByte(w(2).chunkFile(chunkId), 1000);
        }

        HttpRequest request = HttpRequest.newBuilder(URI.create(w(2).url() + "/api/v1/chunks/" + readChunk))
                .header(ChunkToken.HEADER, token(ChunkOp.READ, readChunk)).timeout(Duration.ofSeconds(20)).build();
        assertThatThrownBy(() -> HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()))
                .as("the reader notices: fewer bytes than Content-Length").isInstanceOf(IOException.class);
        // On the wire: the announced length, then fewer bytes, all of them the chunk's own (nothing appended).
        byte[] raw = rawGet(w(2), readChunk, token(ChunkOp.READ, readChunk));
        String head = new String(raw, 0, indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII);
        assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: " + data.length);
        byte[] received = Arrays.copyOfRange(raw, head.length() + 4, raw.length);
        assertThat(received.length).isLessThan(data.length);
        byte[] stored = Files.readAllBytes(w(2).chunkFile(readChunk));
        assertThat(received).isEqualTo(Arrays.copyOf(stored, received.length));

        HttpResponse<byte[]> range = get(w(2), readChunk, token(ChunkOp.READ, readChunk), "bytes=0-99");
        assertThat(range.statusCode()).as("a range is served as it is on disk").isEqualTo(206);

        for (String chunkId : List.of(readChunk, scrubbedChunk)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(storageEvents.valuesFor(chunkId))
                    .anySatisfy(envelope -> {
                        assertThat(envelope.type()).isEqualTo("holon.storage.ChunkCorrupted");
                        StorageEvent.ChunkCorrupted fact = (StorageEvent.ChunkCorrupted) envelope.data();
                        assertThat(fact.chunkId()).isEqualTo(chunkId);
                        assertThat(fact.nodeId()).isEqualTo(w(2).nodeId());
                        assertThat(fact.expectedChecksum()).isEqualTo(crc32c(data));
                        assertThat(fact.actualChecksum()).isNotEqualTo(crc32c(data));
                    }));
        }

        HttpResponse<String> replicated = replicate(w(2), scrubbedChunk, token(ChunkOp.READ, scrubbedChunk),
                w(3).url(), token(ChunkOp.WRITE, scrubbedChunk));
        assertThat(replicated.statusCode()).as("a corrupt replica is never copied").isEqualTo(409);
        assertThat(w(3).chunkFile(scrubbedChunk)).doesNotExist();
    }

    @Test
    void aReaderThatChecksTheChecksumItselfGetsTheReplicaAsStoredAndASpoiltSizeIsStillCaughtHere() throws Exception {
        byte[] data = randomBytes(1024 * 1024 + 5);
        String whole = newChunkId();
        String flipped = newChunkId();
        String truncated = newChunkId();
        String lost = newChunkId();
        for (String chunkId : List.of(whole, flipped, truncated, lost)) {
            assertThat(put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), null).statusCode()).isEqualTo(201);
        }
        flipByte(w(1).chunkFile(flipped), 77);
        try (FileChannel file = FileChannel.open(w(1).chunkFile(truncated), StandardOpenOption.WRITE)) {
            file.truncate(data.length / 2);
        }
        Files.delete(w(1).chunkFile(lost)); // its sidecar stays: a replica the disk lost

        HttpResponse<byte[]> read = readerVerifies(w(1), whole);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("X-Holon-Chunk-Checksum")).contains(crc32c(data));
        assertThat(read.body()).isEqualTo(data);

        HttpResponse<byte[]> spoilt = readerVerifies(w(1), flipped);
        assertThat(spoilt.statusCode()).isEqualTo(200);
        assertThat(spoilt.body()).as("sent as it is on disk: the reader's check fails")
                .isEqualTo(Files.readAllBytes(w(1).chunkFile(flipped)));
        assertThat(crc32c(spoilt.body())).isNotEqualTo(spoilt.headers().firstValue("X-Holon-Chunk-Checksum").orElseThrow());
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(w(1).url() + "/api/v1/chunks/" + flipped))
                .header(ChunkToken.HEADER, token(ChunkOp.READ, flipped)).build(), HttpResponse.BodyHandlers.ofByteArray()))
                .as("read again without the header, this node checks, reports and breaks off")
                .isInstanceOf(IOException.class);

        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(w(1).url() + "/api/v1/chunks/" + truncated))
                .header(ChunkToken.HEADER, token(ChunkOp.READ, truncated)).header(READER_VERIFIES, "true").build(),
                HttpResponse.BodyHandlers.ofByteArray()))
                .as("a data file shorter than recorded is checked here even for such a reader")
                .isInstanceOf(IOException.class);

        HttpResponse<byte[]> gone = readerVerifies(w(1), lost);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(gone.headers().firstValue("X-Holon-Chunk-Checksum")).as("a problem, not the chunk").isEmpty();

        for (String chunkId : List.of(flipped, truncated, lost)) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(storageEvents.valuesFor(chunkId))
                    .anySatisfy(envelope -> assertThat(((StorageEvent.ChunkCorrupted) envelope.data()).nodeId())
                            .isEqualTo(w(1).nodeId())));
        }
        assertThat(storageEvents.valuesFor(whole)).isEmpty();
    }

    @Test
    void rangesDeletesAndTheBlockReport() throws Exception {
        String chunkId = "zz" + newChunkId().substring(2);
        byte[] data = randomBytes(100_000);
        assertThat(put(w(3), chunkId, data, token(ChunkOp.WRITE, chunkId), null).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> range = get(w(3), chunkId, token(ChunkOp.READ, chunkId), "bytes=1000-1999");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range")).contains("bytes 1000-1999/100000");
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
        HttpResponse<byte[]> beyond = get(w(3), chunkId, token(ChunkOp.READ, chunkId), "bytes=100000-");
        assertThat(beyond.statusCode()).isEqualTo(416);

        String service = serviceToken();
        HttpResponse<String> report = blockReport(w(3), service, "?limit=500");
        assertThat(report.statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        JSON.readTree(report.body()).path("items").forEach(item -> ids.add(item.path("chunkId").asString()));
        assertThat(ids).contains(chunkId).isSorted();
        assertThat(JSON.readTree(report.body()).path("items").get(ids.indexOf(chunkId)).path("size").asLong())
                .isEqualTo(data.length);
        HttpResponse<String> paged = blockReport(w(3), service, "?limit=1");
        assertThat(JSON.readTree(paged.body()).path("items")).hasSize(1);
        assertThat(blockReport(w(3), null, "").statusCode()).isEqualTo(401);
        assertThat(blockReport(w(3), TestInfrastructure.tokens().demo(), "").statusCode()).isEqualTo(403);
        assertThat(metrics(w(3))).contains("holon_worker_chunks_bytes");

        assertThat(delete(w(3), chunkId, token(ChunkOp.WRITE, chunkId)).statusCode()).isEqualTo(403);
        assertThat(delete(w(3), chunkId, token(ChunkOp.DELETE, chunkId)).statusCode()).isEqualTo(204);
        assertThat(w(3).chunkFile(chunkId)).doesNotExist();
        assertThat(delete(w(3), chunkId, token(ChunkOp.DELETE, chunkId)).statusCode()).isEqualTo(204);
        assertThat(get(w(3), chunkId, token(ChunkOp.READ, chunkId), null).statusCode()).isEqualTo(404);
    }

    @Test
    void deletionsInOneCallNeedEveryTokenAndLeaveTheFilesToBeWrittenOver() throws Exception {
        String first = newChunkId();
        String second = newChunkId();
        for (String chunkId : List.of(first, second)) {
            assertThat(put(w(3), chunkId, randomBytes(50_000), token(ChunkOp.WRITE, chunkId), null).statusCode())
                    .isEqualTo(201);
        }
        String never = newChunkId();

        HttpResponse<String> forged = deletions(w(3), Map.of(first, token(ChunkOp.DELETE, first),
                second, token(ChunkOp.READ, second)));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(w(3).chunkFile(first)).as("nothing deleted when one token is wrong").exists();

        assertThat(deletions(w(3), Map.of(first, token(ChunkOp.DELETE, first), second, token(ChunkOp.DELETE, second),
                never, token(ChunkOp.DELETE, never))).statusCode()).isEqualTo(204);
        for (String chunkId : List.of(first, second)) {
            assertThat(w(3).chunkFile(chunkId)).doesNotExist();
            assertThat(get(w(3), chunkId, token(ChunkOp.READ, chunkId), null).statusCode()).isEqualTo(404);
        }
        assertThat(metrics(w(3))).containsPattern("holon_worker_chunks_recycled_bytes [1-9]");

        assertThat(send(HttpRequest.newBuilder(URI.create(w(3).url() + "/api/v1/chunks/deletions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"chunks\":[]}"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(URI.create(w(3).url() + "/api/v1/chunks/deletions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"chunks\":"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);
    }

    @Test
    void badRequestsAreProblemsNeverServerErrors() throws Exception {
        String chunkId = newChunkId();
        byte[] data = randomBytes(1000);
        Instant inAMinute = Instant.now().plusSeconds(60);
        Map<String, String> badTokens = Map.of(
                "missing", "",
                "forged", ChunkToken.fromSecret("another-secret-of-at-least-32-bytes-long").sign(ChunkOp.WRITE, chunkId, inAMinute),
                "expired", TOKENS.sign(ChunkOp.WRITE, chunkId, Instant.now().minusSeconds(5)),
                "wrong operation", TOKENS.sign(ChunkOp.READ, chunkId, inAMinute),
                "wrong chunk", TOKENS.sign(ChunkOp.WRITE, newChunkId(), inAMinute),
                "garbage", "not.a-token");
        badTokens.forEach((what, token) -> {
            HttpResponse<String> refused = put(w(1), chunkId, data, token, null);
            assertThat(refused.statusCode()).as(what).isEqualTo(403);
            assertProblem(refused, "/problems/forbidden");
        });
        assertThat(w(1).chunkFile(chunkId)).doesNotExist();

        HttpResponse<byte[]> unknown = get(w(1), chunkId, token(ChunkOp.READ, chunkId), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));

        HttpResponse<String> mismatch = put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), null, "00000000");
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertProblem(mismatch, "/problems/validation");
        assertThat(w(1).chunkFile(chunkId)).doesNotExist();

        for (String badId : List.of("bad.id", "x", "ab%24cd")) {
            HttpResponse<String> bad = put(w(1), badId, data, TOKENS.sign(ChunkOp.WRITE, "ab", inAMinute), null);
            assertThat(bad.statusCode()).as(badId).isEqualTo(400);
            assertProblem(bad, "/problems/validation");
        }

        HttpResponse<String> oversize = HTTP.send(HttpRequest.newBuilder(URI.create(w(1).url() + "/api/v1/chunks/" + chunkId))
                .header(ChunkToken.HEADER, token(ChunkOp.WRITE, chunkId))
                .header("X-Holon-Chunk-Checksum", "00000000")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_CHUNK + 1])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(oversize.statusCode()).isEqualTo(413);
        assertProblem(oversize, "/problems/payload-too-large");

        HttpResponse<String> badPipeline = put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), "file:///etc/passwd");
        assertThat(badPipeline.statusCode()).isEqualTo(400);
    }

    @Test
    @EnabledIfSystemProperty(named = "chunks.benchmark", matches = "true")
    void benchmarkPipelinedAgainstStoreAndForward() throws Exception {
        int chunks = Integer.getInteger("chunks.benchmark.count", 64);
        int size = 8 * 1024 * 1024;
        byte[] data = randomBytes(size);
        String checksum = crc32c(data);
        // Warm up both paths.
        for (int i = 0; i < 3; i++) {
            pipelined(data, checksum);
            storeAndForward(data, checksum);
        }
        long pipelinedNanos = 0;
        long storeAndForwardNanos = 0;
        long[] pipelinedCpu = new long[2];
        long[] storeAndForwardCpu = new long[2];
        for (int i = 0; i < chunks; i++) {
            long[] cpu = cpuTicks();
            long start = System.nanoTime();
            pipelined(data, checksum);
            pipelinedNanos += System.nanoTime() - start;
            add(pipelinedCpu, cpu);
            cpu = cpuTicks();
            start = System.nanoTime();
            storeAndForward(data, checksum);
            storeAndForwardNanos += System.nanoTime() - start;
            add(storeAndForwardCpu, cpu);
        }
        double mib = (double) chunks * size / (1024 * 1024);
        System.out.printf("%nchunk write, 3 replicas, %d chunks of %d MiB between three local workers (one JVM, client"
                        + " included; CPU seconds per GiB as user + system):%n"
                        + "  pipelined (worker -> worker while streaming): %.1f MiB/s (%.0f ms per chunk), CPU %s%n"
                        + "  store-and-forward (PUT, then replicate 1->2, then 2->3): %.1f MiB/s (%.0f ms per chunk),"
                        + " CPU %s%n",
                chunks, size / (1024 * 1024), mib / (pipelinedNanos / 1e9), pipelinedNanos / 1e6 / chunks,
                perGiB(pipelinedCpu, mib), mib / (storeAndForwardNanos / 1e9), storeAndForwardNanos / 1e6 / chunks,
                perGiB(storeAndForwardCpu, mib));
    }

    /** This JVM's user and system CPU time so far, in clock ticks (1/100 s), from /proc/self/stat. */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    }

    private static void add(long[] total, long[] since) throws IOException {
        long[] now = cpuTicks();
        total[0] += now[0] - since[0];
        total[1] += now[1] - since[1];
    }

    private static String perGiB(long[] ticks, double mib) {
        double gib = mib / 1024;
        return String.format("%.2f + %.2f s", ticks[0] / 100.0 / gib, ticks[1] / 100.0 / gib);
    }

    private void pipelined(byte[] data, String checksum) {
        String chunkId = newChunkId();
        HttpResponse<String> put = put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId),
                w(2).url() + "," + w(3).url(), checksum);
        assertThat(put.body()).contains(w(3).nodeId());
        workers.forEach(worker -> delete(worker, chunkId, token(ChunkOp.DELETE, chunkId)));
    }

    private void storeAndForward(byte[] data, String checksum) throws Exception {
        String chunkId = newChunkId();
        assertThat(put(w(1), chunkId, data, token(ChunkOp.WRITE, chunkId), null, checksum).statusCode()).isEqualTo(201);
        assertThat(replicate(w(1), chunkId, token(ChunkOp.READ, chunkId), w(2).url(), token(ChunkOp.WRITE, chunkId))
                .statusCode()).isEqualTo(201);
        assertThat(replicate(w(2), chunkId, token(ChunkOp.READ, chunkId), w(3).url(), token(ChunkOp.WRITE, chunkId))
                .statusCode()).isEqualTo(201);
        workers.forEach(worker -> delete(worker, chunkId, token(ChunkOp.DELETE, chunkId)));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static String newChunkId() {
        return UUID.randomUUID().toString();
    }

    static String token(ChunkOp op, String chunkId) {
        return TOKENS.sign(op, chunkId, Instant.now().plusSeconds(60));
    }

    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static String crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    static HttpResponse<String> put(Worker worker, String chunkId, byte[] data, String token, String pipeline) {
        return put(worker, chunkId, data, token, pipeline, crc32c(data));
    }

    static HttpResponse<String> put(Worker worker, String chunkId, byte[] data, String token, String pipeline,
                                    String checksum) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks/" + chunkId))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream")
                .header("X-Holon-Chunk-Checksum", checksum)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
        if (!token.isEmpty()) {
            request.header(ChunkToken.HEADER, token);
        }
        if (pipeline != null) {
            request.header("X-Holon-Chunk-Pipeline", pipeline);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<byte[]> get(Worker worker, String chunkId, String token, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks/" + chunkId))
                .header(ChunkToken.HEADER, token);
        if (range != null) {
            request.header("Range", range);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> readerVerifies(Worker worker, String chunkId) {
        return send(HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks/" + chunkId))
                .header(ChunkToken.HEADER, token(ChunkOp.READ, chunkId)).header(READER_VERIFIES, "true").build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> delete(Worker worker, String chunkId, String token) {
        return send(HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks/" + chunkId))
                .header(ChunkToken.HEADER, token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> deletions(Worker worker, Map<String, String> tokensByChunk) {
        List<Map<String, String>> chunks = tokensByChunk.entrySet().stream()
                .map(e -> Map.of("chunkId", e.getKey(), "token", e.getValue())).toList();
        return send(HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks/deletions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("chunks", chunks)))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> replicate(Worker source, String chunkId, String readToken, String target,
                                          String writeToken) {
        String body = "{\"target\":\"" + target + "\",\"token\":\"" + writeToken + "\"}";
        return send(HttpRequest.newBuilder(URI.create(source.url() + "/api/v1/chunks/" + chunkId + "/replicate"))
                .header(ChunkToken.HEADER, readToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> blockReport(Worker worker, String bearer, String query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.url() + "/api/v1/chunks" + query));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String metrics(Worker worker) {
        return send(HttpRequest.newBuilder(URI.create(worker.url() + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static String serviceToken() throws Exception {
        String form = "grant_type=client_credentials&client_id=holon-service&client_secret="
                + URLEncoder.encode("holon-service-secret", StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(keycloak.issuerUri() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("access_token").asString();
    }

    static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> storedOn(JsonNode body) {
        List<String> nodes = new ArrayList<>();
        body.path("storedOn").forEach(node -> nodes.add(node.asString()));
        return nodes;
    }

    static void assertProblem(HttpResponse<String> response, String type) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(contentType ->
                assertThat(contentType).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("type").asString()).isEqualTo(type);
    }

    static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            one.rewind();
            channel.write(one, position);
        }
    }

    /** Everything a plain HTTP/1.1 GET receives until the worker closes the connection. */
    static byte[] rawGet(Worker worker, String chunkId, String token) throws IOException {
        URI url = URI.create(worker.url());
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /api/v1/chunks/" + chunkId + " HTTP/1.1\r\nHost: " + url.getHost()
                    + "\r\n" + ChunkToken.HEADER + ": " + token + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readAllBytes();
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no end of the response head");
    }

    static String unusedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

}
