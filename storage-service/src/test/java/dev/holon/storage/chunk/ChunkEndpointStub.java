package dev.holon.storage.chunk;

import com.sun.net.httpserver.HttpServer;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.placement.StorageNode;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's chunk endpoints reduced to what {@link ChunkClient} needs in a unit test (no token checks, no
 * pipeline): GET answers the bytes put in {@link #chunks}, PUT reads the body and says it is stored on this node
 * (or is refused, see {@link #refusePuts}).
 * The real contract is exercised by StorageIT's ChunkServerFixture.
 */
public final class ChunkEndpointStub implements AutoCloseable {

    public final Map<String, byte[]> chunks = new ConcurrentHashMap<>();
    /** Set: every PUT is answered with this status at once, before its body is read. */
    public volatile int refusePuts;
    public final AtomicInteger puts = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final StorageNode node;

    public ChunkEndpointStub(String nodeId) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/chunks/", exchange -> {
            if (exchange.getRequestMethod().equals("PUT")) {
                puts.incrementAndGet();
                if (refusePuts != 0) {
                    exchange.sendResponseHeaders(refusePuts, -1);
                    exchange.close();
                    return;
                }
            }
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                long received = in.transferTo(OutputStream.nullOutputStream());
                String id = exchange.getRequestURI().getPath().substring("/api/v1/chunks/".length());
                if (exchange.getRequestMethod().equals("GET")) {
                    byte[] bytes = chunks.get(id);
                    if (bytes == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.sendResponseHeaders(200, bytes.length);
                    out.write(bytes);
                } else {
                    byte[] json = ("{\"chunkId\":\"" + id + "\",\"size\":" + received
                            + ",\"checksum\":\"\",\"storedOn\":[\"" + nodeId + "\"]}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, json.length);
                    out.write(json);
                }
            }
        });
        server.setExecutor(threads);
        server.start();
        node = new StorageNode(nodeId, "http://127.0.0.1:" + server.getAddress().getPort(), true, true, false, false,
                "", 1L << 30);
    }

    public StorageNode node() {
        return node;
    }

    /** storage-service's defaults, with a chunk token secret. */
    public static StorageProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of("holon.storage.chunk-token-secret", "x".repeat(32))))
                .bind("holon.storage", StorageProperties.class).get();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
