package dev.holon.scheduler.scheduling;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.scheduler.SchedulerProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.HttpServerErrorException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry client against an HTTP stand-in that also issues the service token: retries, then the circuit. */
class RegistryNodesTest {

    private static final String NODE = """
            {"id": "n1", "hostname": "h1", "state": "UP", "cordoned": false, "draining": false, "labels": {},
             "apiUrl": "http://h1:8083", "version": 3, "someNewField": true}""";

    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final AtomicInteger nodeCalls = new AtomicInteger();
    private final HttpServer server = start();

    private HttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            http.createContext("/realm/protocol/openid-connect/token", exchange -> respond(exchange, 200,
                    "{\"access_token\": \"t\", \"token_type\": \"Bearer\", \"expires_in\": 300}"));
            http.createContext("/api/v1/nodes/", exchange -> {
                nodeCalls.incrementAndGet();
                Integer status = statuses.poll();
                int answer = status == null ? 200 : status;
                respond(exchange, answer, answer == 200 ? NODE : "{\"status\": " + answer + "}");
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private RegistryNodes registry(int attempts, int window) {
        String url = "http://localhost:" + server.getAddress().getPort();
        SchedulerProperties properties = new SchedulerProperties(url, "holon-service", "secret", 1000,
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), 500, Duration.ofHours(24),
                Duration.ofMinutes(5), Duration.ofSeconds(5));
        return new RegistryNodes(properties,
                new RegistryNodes.Resilience(attempts, Duration.ofMillis(10), 50, window, Duration.ofMinutes(1)),
                url + "/realm/protocol/openid-connect/token");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void findsANodeAndRetriesServerErrors() {
        statuses.addAll(java.util.List.of(503, 500));

        var node = registry(3, 10).find("n1");

        assertThat(node).hasValueSatisfying(n -> assertThat(n.apiUrl()).isEqualTo("http://h1:8083"));
        assertThat(nodeCalls).hasValue(3);
    }

    @Test
    void anUnknownNodeIsEmptyWithoutRetrying() {
        statuses.add(404);

        assertThat(registry(3, 10).find("n1")).isEmpty();
        assertThat(nodeCalls).hasValue(1);
    }

    @Test
    void aFailingRegistryOpensTheCircuitAndIsNoLongerCalled() {
        for (int i = 0; i < 10; i++) {
            statuses.add(503);
        }
        RegistryNodes registry = registry(1, 2);

        assertThatThrownBy(() -> registry.find("n1")).isInstanceOf(HttpServerErrorException.class);
        assertThatThrownBy(() -> registry.find("n1")).isInstanceOf(HttpServerErrorException.class);
        assertThatThrownBy(() -> registry.find("n1")).isInstanceOf(CallNotPermittedException.class);
        assertThat(nodeCalls).hasValue(2);
    }
}
