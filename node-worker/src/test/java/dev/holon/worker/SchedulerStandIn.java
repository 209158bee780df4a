package dev.holon.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.NodeAssignments;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for scheduler-service's desired-state endpoint ({@code GET /api/v1/assignments?nodeId=...}) in the
 * worker's integration test: checks the node token against the real Keycloak, answers the attempts it was told
 * to list, and can go down (503) after a given number of answers.
 */
final class SchedulerStandIn implements AutoCloseable {

    /** One request: the node asked about, whether it was answered, and the attempts listed. */
    record Poll(String nodeId, int status, List<String> listed) {
    }

    static final long FENCING_TOKEN = 1;
    private static final String PATH = "/api/v1/assignments";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final JwtDecoder tokens;
    private final List<Poll> polls = new CopyOnWriteArrayList<>();
    private volatile List<AssignTask> desired = List.of();
    /** Answers left before the stand-in answers 503; negative: no limit. */
    private final AtomicInteger answersLeft = new AtomicInteger(-1);

    SchedulerStandIn(JwtDecoder tokens) throws IOException {
        this.tokens = tokens;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PATH, this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The attempts listed from now on (for any node asking). */
    void desire(AssignTask... attempts) {
        desired = List.of(attempts);
    }

    /** Answers {@code answers} more polls, then 503 until {@link #recover()}. */
    void goDownAfter(int answers) {
        answersLeft.set(answers);
    }

    void recover() {
        answersLeft.set(-1);
    }

    List<Poll> polls() {
        return List.copyOf(polls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getQuery();
            String nodeId = query != null && query.startsWith("nodeId=") ? query.substring("nodeId=".length()) : null;
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
            if (token == null || !RegistryStandIn.isNodeToken(tokens, token)) {
                polls.add(new Poll(nodeId, send(exchange, 401, "{\"status\":401}"), List.of()));
                return;
            }
            if (nodeId == null) {
                polls.add(new Poll(null, send(exchange, 400, "{\"status\":400}"), List.of()));
                return;
            }
            if (answersLeft.get() >= 0 && answersLeft.getAndUpdate(left -> left > 0 ? left - 1 : left) == 0) {
                polls.add(new Poll(nodeId, send(exchange, 503, "{\"status\":503}"), List.of()));
                return;
            }
            List<AssignTask> items = desired.stream()
                    .map(a -> new AssignTask(a.taskId(), a.attemptId(), a.jobId(), a.index(), a.count(), nodeId,
                            a.fencingToken(), a.command(), a.env(), a.cpuMillis(), a.memoryMiB(), a.gpus(),
                            a.timeoutSeconds(), a.tenant(), a.inputs(), a.outputDir()))
                    .toList();
            String body = JSON.writeValueAsString(new NodeAssignments(nodeId, FENCING_TOKEN, Instant.now(), items));
            polls.add(new Poll(nodeId, send(exchange, 200, body), items.stream().map(AssignTask::attemptId).toList()));
        }
    }

    private static int send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
