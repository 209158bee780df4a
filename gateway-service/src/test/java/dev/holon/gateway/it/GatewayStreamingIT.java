package dev.holon.gateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.holon.gateway.it.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live log streams through the gateway: a follow whose first bytes come later than the downstream timeout is not
 * cut, and its events reach the client one by one while the stream is still open. An ordinary request that slow
 * still is a 503.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.audit.enabled=false", // no Kafka here: GatewayAuditIT has it
        "holon.gateway.rate-limit-per-second=1000",
        "holon.gateway.downstream-timeout=PT1S"})
class GatewayStreamingIT {

    static final String LOGS = "/api/v1/jobs/job-1/tasks/0/logs";
    static final SlowScheduler scheduler = new SlowScheduler();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("holon.gateway.scheduler-url", scheduler::url);
    }

    @AfterAll
    static void stop() {
        scheduler.close();
    }

    GatewayClient gateway;
    static String token;

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port);
        if (token == null) {
            token = TestKeycloak.tokens().demo();
        }
    }

    @Test
    void aFollowOutlivesTheDownstreamTimeoutAndArrivesEventByEvent() throws Exception {
        scheduler.gate = new CountDownLatch(1);
        HttpResponse<Stream<String>> live = HttpClient.newHttpClient().send(gateway.request(LOGS + "?follow=true")
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofLines());

        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        Iterator<String> lines = live.body().iterator();
        List<String> seen = new ArrayList<>();
        while (!seen.contains("data:first")) {
            seen.add(lines.next());
        }
        assertThat(seen).as("the first event, while the downstream holds the stream open").containsExactly("id:6", "data:first");
        scheduler.gate.countDown();
        lines.forEachRemaining(seen::add);
        assertThat(seen).containsSequence("id:13", "data:second", "", "event:end");
    }

    @Test
    void anEventStreamByAcceptIsNotCutEither() {
        scheduler.gate = new CountDownLatch(0);
        HttpResponse<String> response = gateway.send(gateway.request(LOGS).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").GET().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("id:6\ndata:first\n\nid:13\ndata:second\n\nevent:end");
    }

    @Test
    void aPlainReadThatSlowIsStillUnavailable() {
        assertProblem(gateway.get(LOGS, token), 503, ProblemType.UNAVAILABLE.uri());
    }

    /** Answers every log request 1.5 s late (past the 1 s timeout); a follow then waits for {@link #gate}. */
    static final class SlowScheduler implements AutoCloseable {

        private final HttpServer server;
        volatile CountDownLatch gate = new CountDownLatch(0);

        SlowScheduler() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                Thread.sleep(1_500);
                String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
                String query = String.valueOf(exchange.getRequestURI().getQuery());
                if (!accept.contains("text/event-stream") && !query.contains("follow=true")) {
                    byte[] text = "too late\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, text.length);
                    exchange.getResponseBody().write(text);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("id:6\ndata:first\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                gate.await(30, TimeUnit.SECONDS);
                out.write("id:13\ndata:second\n\nevent:end\nid:13\ndata:end\n\n".getBytes(StandardCharsets.UTF_8));
                out.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException clientGone) {
                // the gateway gave up on a plain read: expected
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
