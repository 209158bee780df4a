package dev.holon.gateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for registry-service as a plain HTTP peer (the gateway only proxies, so nothing more is needed):
 * fixed answers per path, and a record of every request it received with its headers.
 */
public final class RegistryStandIn implements AutoCloseable {

    public static final String NODES = "{\"items\":[{\"id\":\"node-1\",\"state\":\"UP\"}],\"nextCursor\":null}";
    public static final String CLUSTER = "{\"nodes\":1,\"cpuMillis\":4000}";
    public static final String API_DOCS = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"registry-service\",\"version\":\"v1\"},\"paths\":{}}";
    public static final String NOT_FOUND = "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404,"
            + "\"detail\":\"No node missing\",\"instance\":\"/api/v1/nodes/missing\"}";

    public record Received(String method, String path, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final int port;
    private HttpServer server;

    private RegistryStandIn(int port) {
        this.port = port;
    }

    /** Starts on a random port. */
    public static RegistryStandIn start() {
        RegistryStandIn standIn = new RegistryStandIn(0);
        standIn.startServer(0);
        return standIn;
    }

    private void startServer(int wantedPort) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", wantedPort), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Stops answering: connections are refused, as when the service is down. */
    public void stop() {
        server.stop(0);
    }

    /** Answers again, on the same port. */
    public void restart() {
        int previous = port();
        startServer(previous);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public void clear() {
        received.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders())));
        exchange.getRequestBody().readAllBytes();
        switch (path) {
            case "/api/v1/nodes" -> respond(exchange, 200, "application/json", NODES);
            case "/api/v1/cluster" -> respond(exchange, 200, "application/json", CLUSTER);
            case "/v3/api-docs" -> respond(exchange, 200, "application/json", API_DOCS);
            case "/api/v1/nodes/missing" -> respond(exchange, 404, "application/problem+json", NOT_FOUND);
            case "/api/v1/nodes/slow" -> {
                sleep(3_000);
                respond(exchange, 200, "application/json", NODES);
            }
            default -> respond(exchange, 404, "application/problem+json",
                    "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the gateway gave up (timeout): nothing to do
        } finally {
            exchange.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
