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
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
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
    private final Duration connectTimeout;
    private final Retry retry;

    public ChunkClient(StorageProperties properties, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(properties.workerConnectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        this.tokens = ChunkToken.fromSecret(properties.chunkTokenSecret());
        this.clock = clock;
        this.ttl = properties.chunkTokenTtl();
        this.timeout = properties.workerTimeout();
        this.connectTimeout = properties.workerConnectTimeout();
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
     * Sends the chunk once to {@code first}, which forwards it down {@code pipeline}. Chunk bodies, both ways, go
     * through the JDK's blocking {@link HttpURLConnection} (with its keep-alive cache), not through {@link #http}: the
     * asynchronous client hands a body over in 16 KiB buffers between threads, and with it storage-service spent
     * more CPU on a chunk's bytes than on the rest of a read or write through the gateway (README, "Memory"); it
     * also kept the exchange that opened a pooled connection, and so a chunk's array, reachable.
     * {@code workerTimeout} bounds each wait for the worker, not the whole call.
     */
    public Stored put(StorageNode first, List<StorageNode> pipeline, String chunkId, byte[] bytes, int length,
            String checksum) {
        return guarded(() -> {
            HttpURLConnection put = open(first, chunkId, ChunkOp.WRITE);
            boolean answered = false;
            try {
                put.setRequestMethod("PUT");
                put.setRequestProperty(ChunkHeaders.CHECKSUM, checksum);
                put.setRequestProperty("Content-Type", "application/octet-stream");
                if (!pipeline.isEmpty()) {
                    put.setRequestProperty(ChunkHeaders.PIPELINE,
                            pipeline.stream().map(StorageNode::apiUrl).collect(Collectors.joining(",")));
                }
                put.setDoOutput(true);
                put.setFixedLengthStreamingMode(length);
                try (OutputStream body = put.getOutputStream()) {
                    body.write(bytes, 0, length);
                }
                int status = put.getResponseCode();
                if (status / 100 != 2) {
                    throw failed("PUT", first, status, null);
                }
                Stored stored;
                try (InputStream answer = put.getInputStream()) {
                    stored = stored(JSON.readTree(answer.readAllBytes()));
                }
                answered = true;
                return stored;
            } catch (IOException e) {
                throw failed("PUT", first, 0, e);
            } finally {
                if (!answered) {
                    put.disconnect(); // not back into the keep-alive cache halfway through an exchange
                }
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
     * array of {@code expected} bytes: never more than the chunk's size is held.
     */
    public Received get(StorageNode node, String chunkId, int expected) {
        return guarded(() -> {
            HttpURLConnection get = open(node, chunkId, ChunkOp.READ);
            get.setRequestProperty(ChunkHeaders.READER_VERIFIES, "true"); // ChunkReader checks the CRC32C
            boolean reusable = false;
            try {
                int status = get.getResponseCode();
                if (status != 200) {
                    throw failed("GET", node, status, null);
                }
                try (InputStream body = get.getInputStream()) {
                    byte[] bytes = new byte[expected];
                    int length = body.readNBytes(bytes, 0, expected);
                    if (length == expected && body.read() != -1) {
                        return new Received(bytes, expected + 1L); // longer than the chunk: not the chunk
                    }
                    reusable = true;
                    return new Received(bytes, length);
                }
            } catch (IOException e) {
                throw failed("GET", node, 0, e);
            } finally {
                if (!reusable) {
                    get.disconnect(); // not back into the keep-alive cache with a body half read
                }
            }
        });
    }

    /** A connection for one call on the chunk, with a fresh {@code op} token and the call's time limits. */
    private HttpURLConnection open(StorageNode node, String chunkId, ChunkOp op) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri(node, chunkId).toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setRequestProperty(ChunkToken.HEADER, token(op, chunkId));
            return connection;
        } catch (IOException e) {
            throw failed(op.name(), node, 0, e);
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
            return stored(JSON.readTree(send(request, "replicate", source).body()));
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

    private static Stored stored(JsonNode json) {
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
