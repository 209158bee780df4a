package dev.holon.storage.it;

import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.Page;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.contracts.node.NodeView;
import dev.holon.testsupport.ApiClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** TEST FIXTURE: the registry as an HTTP peer; {@code GET /api/v1/nodes} answers one page with the nodes set here. */
final class RegistryStub implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, NodeView> nodes = new ConcurrentSkipListMap<>();

    RegistryStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/nodes", exchange -> {
            byte[] body = ApiClient.JSON.writeValueAsString(new Page<>(List.copyOf(nodes.values()), null))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    void node(String id, NodeState state, String zone, String apiUrl) {
        node(id, state, zone, apiUrl, false);
    }

    void node(String id, NodeState state, String zone, String apiUrl, boolean draining) {
        NodeResources capacity = new NodeResources(4000, 8192, 0, 100_000);
        nodes.put(id, new NodeView(id, "host-" + id, state, false, draining, Map.of("zone", zone), capacity, capacity,
                new NodeUsage(0.1, 0.1, 8000, 90_000), List.of(), Instant.now(), Instant.now(), "test", apiUrl, 1));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
