package dev.holon.worker.tasks;

import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.task.NodeAssignments;
import dev.holon.worker.resilience.CallPolicy;
import dev.holon.worker.resilience.ResilientCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerClientTest {

    private static final String ANSWER = """
            {"nodeId":"node-a","fencingToken":3,"asOf":"2026-01-01T00:00:00Z","items":[{"taskId":"t","attemptId":"a",
            "jobId":"j","index":0,"count":1,"nodeId":"node-a","fencingToken":2,"command":["true"],"env":{},
            "cpuMillis":100,"memoryMiB":64,"gpus":0,"timeoutSeconds":0,"tenant":"default"}]}""";

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
    }

    /** A replica answering {@code status} with {@code body}, counting the requests it gets. */
    private URI replica(int status, String body, AtomicInteger requests) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/assignments", exchange -> {
            try (exchange) {
                requests.incrementAndGet();
                assertThat(exchange.getRequestURI().getQuery()).isEqualTo("nodeId=node-a");
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static SchedulerClient client(URI... replicas) {
        return new SchedulerClient(List.of(replicas), RestClient.builder()
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk().build()).build(), new ResilientCall("scheduler",
                new CallPolicy(Duration.ofSeconds(5), 2, Duration.ofMillis(1), 2.0, 100, 50f, Duration.ofSeconds(1))));
    }

    @Test
    void asksTheNextReplicaWhenOneIsBrokenAndThenStaysWithTheOneThatAnswered() throws IOException {
        AtomicInteger broken = new AtomicInteger();
        AtomicInteger healthy = new AtomicInteger();
        SchedulerClient client = client(replica(503, "{}", broken), replica(200, ANSWER, healthy));

        NodeAssignments first = client.assignments("node-a");
        NodeAssignments second = client.assignments("node-a");

        assertThat(first.fencingToken()).isEqualTo(3);
        assertThat(first.items()).singleElement().satisfies(item -> {
            assertThat(item.attemptId()).isEqualTo("a");
            assertThat(item.fencingToken()).isEqualTo(2);
        });
        assertThat(second).isEqualTo(first);
        assertThat(broken).hasValue(1);
        assertThat(healthy).hasValue(2);
    }

    @Test
    void aRefusalIsNotRetriedNorAskedElsewhere() throws IOException {
        AtomicInteger refusing = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        SchedulerClient client = client(replica(403, "{}", refusing), replica(200, ANSWER, other));

        assertThatThrownBy(() -> client.assignments("node-a")).isInstanceOf(HttpClientErrorException.class);
        assertThat(refusing).hasValue(1);
        assertThat(other).hasValue(0);
    }
}
