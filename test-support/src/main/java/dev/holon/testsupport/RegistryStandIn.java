package dev.holon.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.Page;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.contracts.node.NodeView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The registry as the services that read it see it, for their integration tests: {@code GET /api/v1/nodes} answers
 * one page of the nodes set here, {@code GET /api/v1/nodes/{id}} one of them (404 problem otherwise). Every node has
 * 4 CPUs, 8 GiB and a zone label; nothing else of the registry is there.
 */
public final class RegistryStandIn implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, NodeView> nodes = new ConcurrentSkipListMap<>();

    public RegistryStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/nodes", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/v1/nodes")) {
                StandInResponses.send(exchange, 200, "application/json",
                        ApiClient.JSON.writeValueAsString(new Page<>(List.copyOf(nodes.values()), null)));
                return;
            }
            NodeView node = nodes.get(path.substring(path.lastIndexOf('/') + 1));
            if (node == null) {
                StandInResponses.send(exchange, 404, "application/problem+json", "{\"status\":404}");
            } else {
                StandInResponses.send(exchange, 200, "application/json", ApiClient.JSON.writeValueAsString(node));
            }
        });
        server.start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** A node in zone {@code a} without an API address. */
    public void node(String id, NodeState state) {
        node(id, state, "a", null, false);
    }

    public void node(String id, NodeState state, String zone, String apiUrl) {
        node(id, state, zone, apiUrl, false);
    }

    /** Adds or replaces the node. */
    public void node(String id, NodeState state, String zone, String apiUrl, boolean draining) {
        NodeResources capacity = new NodeResources(4000, 8192, 0, 100_000);
        nodes.put(id, new NodeView(id, "host-" + id.substring(0, Math.min(8, id.length())), state, false, draining,
                Map.of("zone", zone), capacity, capacity, new NodeUsage(0.1, 0.1, 8000, 90_000), List.of(),
                Instant.now(), Instant.now(), "test", apiUrl, 1));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
