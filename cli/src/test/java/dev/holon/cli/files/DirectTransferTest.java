package dev.holon.cli.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.holon.testsupport.StandInResponses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The direct client against one stand-in worker: what a long-lived client sees when a worker restarts. */
class DirectTransferTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> stored = new CopyOnWriteArrayList<>();
    private HttpServer worker;

    @BeforeEach
    void startWorker() throws IOException {
        worker = worker(0);
    }

    @AfterEach
    void stopWorker() {
        worker.stop(0);
    }

    /** A worker on {@code port} (0: any free one) that stores every chunk it is sent and answers with a receipt. */
    private HttpServer worker(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/api/v1/chunks/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                stored.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            StandInResponses.send(exchange, 201, "application/json", "{\"receipts\":[\"receipt-1\"]}");
        });
        server.start();
        return server;
    }

    /** Plans one chunk on the worker; the commit answers what it was sent. */
    private DirectTransfer client() {
        return new DirectTransfer(new DirectTransfer.Namespace() {
            @Override
            public JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers) {
                try {
                    JsonNode body = JSON.readTree(jsonBody);
                    if (pathAndQuery.endsWith("?op=upload")) {
                        return JSON.readTree("{\"uploadId\":\"u1\",\"chunks\":[{\"index\":0,\"chunkId\":\"c0\",\"size\":"
                                + body.path("size").asLong() + ",\"token\":\"t\",\"targets\":[\"http://127.0.0.1:"
                                + worker.getAddress().getPort() + "\"]}]}");
                    }
                    return body;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public JsonNode get(String pathAndQuery) {
                throw new UnsupportedOperationException(pathAndQuery);
            }
        }, 2);
    }

    @Test
    void aClientWhoseWorkerRestartedSinceItsLastUploadStillUploads(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), "hello");
        DirectTransfer client = client();
        client.upload("/api/v1/files/default/a.txt", file, 1, Map.of(), n -> { });
        int port = worker.getAddress().getPort();
        worker.stop(0);
        worker = worker(port);

        JsonNode committed = client.upload("/api/v1/files/default/a.txt", file, 1, Map.of(), n -> { });

        assertThat(committed.path("chunks").get(0).path("receipts").get(0).asText()).isEqualTo("receipt-1");
        assertThat(stored).containsExactly("hello", "hello");
    }

    @Test
    void aConnectionThatEndsBeforeAnyAnswerIsTriedOnceMoreOnTheSameWorker(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), "hello");
        AtomicInteger puts = new AtomicInteger();
        worker.removeContext("/api/v1/chunks/");
        worker.createContext("/api/v1/chunks/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (puts.incrementAndGet() == 1) {
                exchange.close(); // no answer: the connection just ends, as a stale or dropped one does
                return;
            }
            stored.add(new String(body, StandardCharsets.UTF_8));
            StandInResponses.send(exchange, 201, "application/json", "{\"receipts\":[\"receipt-1\"]}");
        });

        JsonNode committed = client().upload("/api/v1/files/default/a.txt", file, 1, Map.of(), n -> { });

        assertThat(puts).hasValue(2);
        assertThat(stored).containsExactly("hello");
        assertThat(committed.path("chunks").get(0).path("receipts").get(0).asText()).isEqualTo("receipt-1");
    }

    @Test
    void bytesThatFailTheChecksumAreAskedForAgainWithTheWorkerCheckingThem() throws IOException {
        String chunk = "the chunk's bytes";
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer spoiling = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        spoiling.createContext("/api/v1/chunks/", exchange -> {
            boolean unchecked = "true".equals(exchange.getRequestHeaders().getFirst("X-Holon-Chunk-Reader-Verifies"));
            asked.add(unchecked ? "unchecked" : "checked");
            StandInResponses.send(exchange, 200, "application/octet-stream",
                    unchecked ? chunk.replace('b', 'c') : chunk); // as a worker whose copy went wrong on the way
        });
        spoiling.start();
        try {
            String located = "{\"path\":\"/default/a.txt\",\"size\":" + chunk.length() + ",\"chunks\":[{\"index\":0,"
                    + "\"chunkId\":\"c0\",\"size\":" + chunk.length() + ",\"checksum\":\""
                    + DirectTransfer.crc32c(chunk.getBytes(StandardCharsets.UTF_8), chunk.length())
                    + "\",\"token\":\"t\",\"replicas\":[\"http://127.0.0.1:" + spoiling.getAddress().getPort() + "\"]}]}";
            DirectTransfer client = reader(pathAndQuery -> {
                try {
                    return JSON.readTree(located);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            client.download("/api/v1/files/default/a.txt", out, n -> { });

            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(chunk);
            assertThat(asked).containsExactly("unchecked", "checked");
        } finally {
            spoiling.stop(0);
        }
    }

    @Test
    void aDirectoryIsReadInNameOrderAcrossLocatePages() throws IOException {
        int count = 120;
        HttpServer chunks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        chunks.createContext("/api/v1/chunks/", exchange -> StandInResponses.send(exchange, 200,
                "application/octet-stream", contentOf(exchange.getRequestURI().getPath().replaceAll(".*/c", ""))));
        chunks.start();
        List<String> locates = new CopyOnWriteArrayList<>();
        try {
            String replica = "http://127.0.0.1:" + chunks.getAddress().getPort();
            // pages of `limit` files; the cursor is the index of the next one
            DirectTransfer client = reader(pathAndQuery -> {
                locates.add(pathAndQuery);
                Map<String, String> query = new HashMap<>();
                for (String pair : pathAndQuery.substring(pathAndQuery.indexOf('?') + 1).split("&")) {
                    query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
                }
                int from = Integer.parseInt(query.getOrDefault("cursor", "0"));
                int to = Math.min(count, from + Integer.parseInt(query.get("limit")));
                ObjectNode page = JSON.createObjectNode();
                for (int i = from; i < to; i++) {
                    byte[] bytes = contentOf(Integer.toString(i)).getBytes(StandardCharsets.UTF_8);
                    ObjectNode file = page.withArray("items").addObject()
                            .put("path", "/default/d/" + i).put("size", bytes.length);
                    file.withArray("chunks").addObject().put("index", 0).put("chunkId", "c" + i)
                            .put("size", bytes.length).put("checksum", DirectTransfer.crc32c(bytes, bytes.length))
                            .put("token", "t").putArray("replicas").add(replica);
                }
                page.put("nextCursor", to < count ? Integer.toString(to) : null);
                return page;
            });
            Map<String, ByteArrayOutputStream> read = new LinkedHashMap<>();

            int files = client.downloadDirectory("/api/v1/files/default/d", file -> read.computeIfAbsent(
                    file.path("path").asText(), path -> new ByteArrayOutputStream()), n -> { });

            assertThat(files).isEqualTo(count);
            assertThat(read.keySet()).containsExactlyElementsOf(
                    IntStream.range(0, count).mapToObj(i -> "/default/d/" + i).toList());
            read.forEach((path, bytes) -> assertThat(bytes.toString(StandardCharsets.UTF_8))
                    .isEqualTo(contentOf(path.substring("/default/d/".length()))));
            assertThat(locates).containsExactly("/api/v1/files/default/d?op=locate&limit=50",
                    "/api/v1/files/default/d?op=locate&limit=500&cursor=50");
        } finally {
            chunks.stop(0);
        }
    }

    /** A client whose namespace only answers reads, with {@code get}. */
    private static DirectTransfer reader(Function<String, JsonNode> get) {
        return new DirectTransfer(new DirectTransfer.Namespace() {
            @Override
            public JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers) {
                throw new UnsupportedOperationException(pathAndQuery);
            }

            @Override
            public JsonNode get(String pathAndQuery) {
                return get.apply(pathAndQuery);
            }
        }, 2);
    }

    private static String contentOf(String file) {
        return "the bytes of file " + file;
    }
}
