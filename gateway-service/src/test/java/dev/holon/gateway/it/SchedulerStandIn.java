package dev.holon.gateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for one scheduler-service replica: {@code GET /api/v1/jobs} answers its name, {@code POST
 * /api/v1/jobs} answers 201 and keeps the body it received.
 */
public final class SchedulerStandIn implements AutoCloseable {

    private final String name;
    private final List<String> createdBodies = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private HttpServer server;

    private SchedulerStandIn(String name) {
        this.name = name;
    }

    public static SchedulerStandIn start(String name) {
        SchedulerStandIn standIn = new SchedulerStandIn(name);
        standIn.startServer(0);
        return standIn;
    }

    private void startServer(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Connections are refused from now on, as when the process was killed. */
    public void stop() {
        server.stop(0);
    }

    public void restart() {
        startServer(server.getAddress().getPort());
    }

    public List<String> createdBodies() {
        return List.copyOf(createdBodies);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        boolean create = exchange.getRequestMethod().equals("POST");
        if (create) {
            createdBodies.add(body);
        }
        byte[] answer = ("{\"replica\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(create ? 201 : 200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
