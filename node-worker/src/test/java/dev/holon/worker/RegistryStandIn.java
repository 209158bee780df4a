package dev.holon.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for registry-service's node API in the worker's integration test: a JDK HTTP server on a random port
 * that remembers which nodes enrolled. It can forget them (as a registry whose database was reset) and refuse
 * enrolments (as a registry that is down).
 */
final class RegistryStandIn implements AutoCloseable {

    record Request(String method, String path, String authorization, JsonNode body) {
    }

    private static final String PREFIX = "/api/v1/nodes/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile int refuseEnrolmentWith;

    RegistryStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> enrolments() {
        return requests.stream().filter(r -> r.method().equals("PUT")).toList();
    }

    /** Forgets every node, as a registry whose database was reset. */
    void forgetAllNodes() {
        known.clear();
    }

    /** Answers every enrolment with this status (0: accept again). */
    void refuseEnrolmentsWith(int status) {
        refuseEnrolmentWith = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String nodeId = exchange.getRequestURI().getPath().substring(PREFIX.length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    body.length == 0 ? null : JSON.readTree(body)));
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    if (refuseEnrolmentWith != 0) {
                        send(exchange, refuseEnrolmentWith, "{\"type\":\"/problems/unavailable\",\"status\":"
                                + refuseEnrolmentWith + "}", "application/problem+json");
                        return;
                    }
                    boolean created = known.add(nodeId);
                    send(exchange, created ? 201 : 200, view(nodeId), "application/json");
                }
                case "GET" -> {
                    if (known.contains(nodeId)) {
                        send(exchange, 200, view(nodeId), "application/json");
                    } else {
                        send(exchange, 404, "{\"type\":\"/problems/not-found\",\"status\":404}", "application/problem+json");
                    }
                }
                default -> send(exchange, 405, "", "text/plain");
            }
        }
    }

    private static String view(String nodeId) {
        return "{\"id\":\"" + nodeId + "\",\"state\":\"UP\",\"cordoned\":false,\"draining\":false,\"version\":1}";
    }

    private static void send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
