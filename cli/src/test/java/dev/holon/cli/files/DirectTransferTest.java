package dev.holon.cli.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.holon.testsupport.StandInResponses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

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
            DirectTransfer client = new DirectTransfer(new DirectTransfer.Namespace() {
                @Override
                public JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers) {
                    throw new UnsupportedOperationException(pathAndQuery);
                }

                @Override
                public JsonNode get(String pathAndQuery) {
                    try {
                        return JSON.readTree(located);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 2);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

            client.download("/api/v1/files/default/a.txt", out, n -> { });

            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(chunk);
            assertThat(asked).containsExactly("unchecked", "checked");
        } finally {
            spoiling.stop(0);
        }
    }
}
