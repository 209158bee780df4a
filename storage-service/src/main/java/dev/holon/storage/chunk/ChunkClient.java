package dev.holon.storage.chunk;

import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkHeaders;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.placement.StorageNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.springframework.stereotype.Component;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Calls the workers' chunk endpoints (docs/storage-data-path.md) with a fresh chunk token per call. Each call has a
 * time limit, and connection errors and 5xx are retried (Resilience4j) before {@link WorkerCallFailed} is thrown;
 * a 4xx is thrown at once. Thread-safe.
 */
@Component
public class ChunkClient {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** A worker call that did not succeed; {@code status} is 0 when no answer came. */
    public static final class WorkerCallFailed extends RuntimeException {
        private final int status;

        public WorkerCallFailed(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** What a worker answered to a write: the nodes that now hold the chunk. */
    public record Stored(String chunkId, long size, String checksum, List<String> storedOn) {
    }

    private final HttpClient http;
    private final ChunkToken tokens;
    private final Clock clock;
    private final Duration ttl;
    private final Duration timeout;
    private final Retry retry;

    public ChunkClient(StorageProperties properties, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(properties.workerConnectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        this.tokens = ChunkToken.fromSecret(properties.chunkTokenSecret());
        this.clock = clock;
        this.ttl = properties.chunkTokenTtl();
        this.timeout = properties.workerTimeout();
        this.retry = Retry.of("workers", RetryConfig.custom()
                .maxAttempts(properties.workerAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2))
                .retryOnException(e -> e instanceof WorkerCallFailed f && (f.status() == 0 || f.status() >= 500))
                .build());
    }

    public String token(ChunkOp op, String chunkId) {
        return tokens.sign(op, chunkId, clock.instant().plus(ttl));
    }

    /** A token for a client that talks to the workers itself (a direct upload or read). */
    public String token(ChunkOp op, String chunkId, Instant expiresAt) {
        return tokens.sign(op, chunkId, expiresAt);
    }

    /** What a worker's receipt says it stored, when the receipt is genuine. */
    public Optional<ChunkToken.Receipt> verifyReceipt(String receipt) {
        return tokens.verifyReceipt(receipt);
    }

    /**
     * Sends the chunk once to {@code first}, which forwards it down {@code pipeline}. The bytes are handed to the
     * HTTP client through a {@link ReleasableBody}, released when the call returns: the JDK's client keeps the
     * exchange that opened a connection (its request and response) for as long as the connection stays pooled, so a
     * body it could reach would stay in memory with every connection to a worker.
     */
    public Stored put(StorageNode first, List<StorageNode> pipeline, String chunkId, byte[] bytes, int length,
            String checksum) {
        return guarded(() -> {
            ReleasableBody body = new ReleasableBody(bytes, length);
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(uri(first, chunkId)).timeout(timeout)
                        .header(ChunkToken.HEADER, token(ChunkOp.WRITE, chunkId))
                        .header(ChunkHeaders.CHECKSUM, checksum)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(body.publisher());
                if (!pipeline.isEmpty()) {
                    request.header(ChunkHeaders.PIPELINE, pipeline.stream().map(StorageNode::apiUrl).collect(Collectors.joining(",")));
                }
                return stored(send(request.build(), "PUT", first));
            } finally {
                body.release();
            }
        });
    }

    /**
     * A chunk as a worker sent it: {@code bytes[0..length)}. {@code length} is the size of the worker's body, or
     * {@code expected + 1} when it sent more than the {@code expected} bytes asked for (what is beyond is not read).
     */
    public record Received(byte[] bytes, long length) {
    }

    /**
     * The chunk's bytes as the worker sends them (the caller verifies them against the checksum), read into one
     * array of {@code expected} bytes: never more than the chunk's size is held, and nothing the HTTP client keeps
     * with a pooled connection refers to that array (the body is streamed, see {@link #put}).
     */
    public Received get(StorageNode node, String chunkId, int expected) {
        return guarded(() -> {
            HttpRequest request = HttpRequest.newBuilder(uri(node, chunkId)).timeout(timeout)
                    .header(ChunkToken.HEADER, token(ChunkOp.READ, chunkId)).header(ChunkHeaders.READER_VERIFIES, "true") // ChunkReader checks the CRC32C
                    .GET().build();
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw failed("GET", node, response.statusCode(), null);
                    }
                    byte[] bytes = new byte[expected];
                    int length = body.readNBytes(bytes, 0, expected);
                    if (length == expected && body.read() != -1) {
                        return new Received(bytes, expected + 1L); // longer than the chunk: not the chunk
                    }
                    return new Received(bytes, length);
                }
            } catch (IOException e) {
                throw failed("GET", node, 0, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed("GET", node, 0, e);
            }
        });
    }

    /**
     * A request body over {@code bytes[0..length)} that gives them up on {@link #release()}. The JDK's HTTP client
     * keeps a connection's first exchange, and so its request body publisher, reachable while the connection is
     * pooled (30 s after its last use, so for as long as a transfer keeps reusing it): a publisher holding the array
     * (as {@code BodyPublishers.ofByteArray} does, with a second copy of it cut into 16 KiB buffers) kept one or
     * two chunks in memory per connection. This one reads the array through a stream of small copies made as the
     * client sends, and holds nothing once released.
     */
    static final class ReleasableBody {
        private volatile byte[] bytes;
        private final int length;

        ReleasableBody(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        HttpRequest.BodyPublisher publisher() {
            return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(this::open), length);
        }

        void release() {
            bytes = null;
        }

        /** A stream over the bytes from the start (the client may subscribe again when it retries). */
        private InputStream open() {
            return new InputStream() {
                private int position;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] into, int offset, int count) throws IOException {
                    byte[] source = bytes;
                    if (source == null) {
                        throw new IOException("the chunk's bytes were released: its call is over");
                    }
                    if (position >= length) {
                        return -1;
                    }
                    int n = Math.min(count, length - position);
                    System.arraycopy(source, position, into, offset, n);
                    position += n;
                    return n;
                }
            };
        }
    }

    /** Asks {@code source} to copy its replica to {@code target} (worker to worker). */
    public Stored replicate(StorageNode source, StorageNode target, String chunkId) {
        return guarded(() -> {
            String body = JSON.writeValueAsString(Map.of("target", target.apiUrl(), "token", token(ChunkOp.WRITE, chunkId)));
            HttpRequest request = HttpRequest.newBuilder(URI.create(base(source) + "/api/v1/chunks/" + chunkId + "/replicate"))
                    .timeout(timeout)
                    .header(ChunkToken.HEADER, token(ChunkOp.READ, chunkId))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return stored(send(request, "replicate", source));
        });
    }

    /** Removes the replica on {@code node} (204 also when it was not there). */
    public void delete(StorageNode node, String chunkId) {
        guarded(() -> {
            HttpRequest request = HttpRequest.newBuilder(uri(node, chunkId)).timeout(timeout)
                    .header(ChunkToken.HEADER, token(ChunkOp.DELETE, chunkId)).DELETE().build();
            send(request, "DELETE", node);
            return null;
        });
    }

    /** The most chunks one {@link #deleteAll} call names (the workers take up to 1,000). */
    static final int DELETIONS_PER_CALL = 500;

    /** Removes the replicas of {@code chunkIds} on {@code node}, a few hundred per call, each with its own token. */
    public void deleteAll(StorageNode node, List<String> chunkIds) {
        for (int from = 0; from < chunkIds.size(); from += DELETIONS_PER_CALL) {
            List<Map<String, String>> batch = chunkIds.subList(from, Math.min(chunkIds.size(), from + DELETIONS_PER_CALL))
                    .stream().map(id -> Map.of("chunkId", id, "token", token(ChunkOp.DELETE, id))).toList();
            String body = JSON.writeValueAsString(Map.of("chunks", batch));
            guarded(() -> {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base(node) + "/api/v1/chunks/deletions"))
                        .timeout(timeout).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                send(request, "deletions", node);
                return null;
            });
        }
    }

    /** What a worker's on-demand scrub found. */
    public record Scrubbed(int checked, int corrupted, long bytes) {
    }

    /**
     * Has {@code node} re-verify every replica it holds now and waits for the pass ({@code within}: a pass reads
     * every byte, paced by the worker). Corrupt replicas come back as ChunkCorrupted facts, like a periodic scrub's.
     */
    public Scrubbed scrub(StorageNode node, Duration within) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base(node) + "/api/v1/chunks/scrubs")).timeout(within)
                .header(ChunkToken.HEADER, token(ChunkOp.SCRUB, ChunkOp.EVERY_CHUNK))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        JsonNode json = JSON.readTree(send(request, "scrub", node).body());
        return new Scrubbed(json.path("checked").asInt(), json.path("corrupted").asInt(), json.path("bytes").asLong());
    }

    private HttpResponse<String> send(HttpRequest request, String what, StorageNode node) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw failed(what, node, response.statusCode(), null);
            }
            return response;
        } catch (IOException e) {
            throw failed(what, node, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(what, node, 0, e);
        }
    }

    private static Stored stored(HttpResponse<String> response) {
        JsonNode json = JSON.readTree(response.body());
        List<String> on = new ArrayList<>();
        json.path("storedOn").forEach(n -> on.add(n.asString()));
        return new Stored(json.path("chunkId").asString(), json.path("size").asLong(), json.path("checksum").asString(), on);
    }

    private static WorkerCallFailed failed(String what, StorageNode node, int status, Throwable cause) {
        String answer = status == 0 ? (cause == null ? "no answer" : cause.getClass().getSimpleName()) : "HTTP " + status;
        return new WorkerCallFailed(what + " on node " + node.id() + " failed: " + answer, status, cause);
    }

    private <T> T guarded(java.util.function.Supplier<T> call) {
        try {
            return Retry.decorateSupplier(retry, call).get();
        } catch (UncheckedIOException e) {
            throw new WorkerCallFailed(e.getMessage(), 0, e);
        }
    }

    private static URI uri(StorageNode node, String chunkId) {
        return URI.create(base(node) + "/api/v1/chunks/" + chunkId);
    }

    private static String base(StorageNode node) {
        String url = node.apiUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
