package dev.holon.storage.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.testsupport.ApiClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.zip.CRC32C;

/**
 * TEST FIXTURE, not the real worker: a small in-test chunk server that implements docs/storage-data-path.md
 * (token checks with {@link ChunkToken}, checksum checks, pipeline forwarding, replicate, delete, batched deletions)
 * over memory, so StorageIT can run before the real node-worker endpoints are merged. A test can make it serve
 * corrupt bytes for a chunk, or play dead (it closes every connection without answering).
 */
final class ChunkServerFixture implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final String nodeId;
    private final ChunkToken tokens;
    private final HttpServer server;
    private final Map<String, byte[]> chunks = new ConcurrentHashMap<>();
    private final Map<String, String> checksums = new ConcurrentHashMap<>();
    private final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    private volatile boolean dead;

    ChunkServerFixture(String nodeId, String secret) {
        this.nodeId = nodeId;
        this.tokens = ChunkToken.fromSecret(secret);
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/chunks/", this::handle);
        server.start();
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    Set<String> chunkIds() {
        return Set.copyOf(chunks.keySet());
    }

    boolean holds(String chunkId) {
        return chunks.containsKey(chunkId);
    }

    void serveCorrupt(String chunkId) {
        corrupt.add(chunkId);
    }

    void dead(boolean dead) {
        this.dead = dead;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (dead) {
                return; // closes without an answer: the caller sees a broken connection
            }
            String rest = exchange.getRequestURI().getPath().substring("/api/v1/chunks/".length());
            if (rest.equals("deletions") && exchange.getRequestMethod().equals("POST")) {
                deleteAll(exchange);
                return;
            }
            boolean replicate = rest.endsWith("/replicate");
            String chunkId = replicate ? rest.substring(0, rest.length() - "/replicate".length()) : rest;
            String method = exchange.getRequestMethod();
            ChunkOp needed = switch (method) {
                case "PUT" -> ChunkOp.WRITE;
                case "DELETE" -> ChunkOp.DELETE;
                default -> ChunkOp.READ;
            };
            Optional<ChunkToken.Grant> grant = tokens.verify(exchange.getRequestHeaders().getFirst(ChunkToken.HEADER), Instant.now());
            if (grant.isEmpty() || !grant.get().permits(needed, chunkId)) {
                problem(exchange, 403, "/problems/forbidden", "missing, forged, expired or mismatched chunk token");
                return;
            }
            switch (method) {
                case "PUT" -> put(exchange, chunkId);
                case "GET" -> get(exchange, chunkId);
                case "DELETE" -> {
                    chunks.remove(chunkId);
                    checksums.remove(chunkId);
                    exchange.sendResponseHeaders(204, -1);
                }
                case "POST" -> replicate(exchange, chunkId);
                default -> problem(exchange, 405, "/problems/method-not-allowed", method);
            }
        }
    }

    /** Every entry's DELETE token is checked before anything goes, as the worker does. */
    private void deleteAll(HttpExchange exchange) throws IOException {
        var entries = ApiClient.JSON.readTree(exchange.getRequestBody().readAllBytes()).path("chunks");
        for (var entry : entries) {
            String chunkId = entry.path("chunkId").asString();
            Optional<ChunkToken.Grant> grant = tokens.verify(entry.path("token").asString(), Instant.now());
            if (grant.isEmpty() || !grant.get().permits(ChunkOp.DELETE, chunkId)) {
                problem(exchange, 403, "/problems/forbidden", "missing, forged, expired or mismatched chunk token");
                return;
            }
        }
        for (var entry : entries) {
            chunks.remove(entry.path("chunkId").asString());
            checksums.remove(entry.path("chunkId").asString());
        }
        exchange.sendResponseHeaders(204, -1);
    }

    private void put(HttpExchange exchange, String chunkId) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readAllBytes();
        }
        String expected = exchange.getRequestHeaders().getFirst("X-Holon-Chunk-Checksum");
        if (!crc32c(bytes).equals(expected)) {
            problem(exchange, 400, "/problems/validation", "checksum mismatch");
            return;
        }
        List<String> storedOn = new ArrayList<>();
        List<String> receipts = new ArrayList<>();
        storedOn.add(nodeId);
        receipts.add(tokens.receipt(chunkId, bytes.length, expected, nodeId));
        String pipeline = exchange.getRequestHeaders().getFirst("X-Holon-Chunk-Pipeline");
        if (pipeline != null && !pipeline.isBlank()) {
            List<String> next = Arrays.stream(pipeline.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(next.getFirst() + "/api/v1/chunks/" + chunkId))
                    .timeout(Duration.ofSeconds(5))
                    .header(ChunkToken.HEADER, exchange.getRequestHeaders().getFirst(ChunkToken.HEADER))
                    .header("X-Holon-Chunk-Checksum", expected)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (next.size() > 1) {
                forward.header("X-Holon-Chunk-Pipeline", String.join(",", next.subList(1, next.size())));
            }
            try {
                HttpResponse<String> answer = HTTP.send(forward.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 201) {
                    var downstream = ApiClient.JSON.readTree(answer.body());
                    downstream.path("storedOn").forEach(n -> storedOn.add(n.asString()));
                    downstream.path("receipts").forEach(r -> receipts.add(r.asString()));
                }
            } catch (IOException | InterruptedException e) {
                // a downstream that fails is left out of storedOn
            }
        }
        chunks.put(chunkId, bytes);
        checksums.put(chunkId, expected);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chunkId", chunkId);
        body.put("size", bytes.length);
        body.put("checksum", expected);
        body.put("storedOn", storedOn);
        body.put("receipts", receipts);
        json(exchange, 201, ApiClient.JSON.writeValueAsString(body));
    }

    private void get(HttpExchange exchange, String chunkId) throws IOException {
        byte[] bytes = chunks.get(chunkId);
        if (bytes == null) {
            problem(exchange, 404, "/problems/not-found", "no such chunk here");
            return;
        }
        byte[] served = bytes.clone();
        if (corrupt.contains(chunkId)) {
            served[served.length / 2] ^= 0x5a; // a flipped byte: the reader's CRC32C check must catch it
        }
        exchange.getResponseHeaders().add("X-Holon-Chunk-Checksum", checksums.get(chunkId));
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, served.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(served);
        }
    }

    private void replicate(HttpExchange exchange, String chunkId) throws IOException {
        byte[] bytes = chunks.get(chunkId);
        if (bytes == null || corrupt.contains(chunkId)) {
            problem(exchange, 404, "/problems/not-found", "no verified replica here");
            return;
        }
        var request = ApiClient.JSON.readTree(exchange.getRequestBody().readAllBytes());
        HttpRequest put = HttpRequest.newBuilder(URI.create(request.path("target").asString() + "/api/v1/chunks/" + chunkId))
                .timeout(Duration.ofSeconds(5))
                .header(ChunkToken.HEADER, request.path("token").asString())
                .header("X-Holon-Chunk-Checksum", checksums.get(chunkId))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        try {
            HttpResponse<String> answer = HTTP.send(put, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 201) {
                json(exchange, 201, answer.body());
            } else {
                problem(exchange, 502, "/problems/unavailable", "target answered " + answer.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem(exchange, 503, "/problems/unavailable", "interrupted");
        } catch (IOException e) {
            problem(exchange, 503, "/problems/unavailable", "target unreachable");
        }
    }

    private static void problem(HttpExchange exchange, int status, String type, String detail) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        byte[] body = ("{\"type\":\"" + type + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
