package dev.holon.registry.failure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The probe against a real HTTP server standing in for a worker at its advertised address. */
class HttpNodeProbeTest {

    private final HttpNodeProbe probe = new HttpNodeProbe(Duration.ofMillis(500));
    private HttpServer worker;
    private String apiUrl;

    @BeforeEach
    void start() throws IOException {
        worker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        worker.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        worker.createContext("/actuator/info", exchange -> answer(exchange, 200, "{\"node\":{\"id\":\"n1\"}}"));
        worker.start();
        apiUrl = "http://127.0.0.1:" + worker.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        worker.stop(0);
        probe.close();
    }

    @Test
    void aWorkerAnswersOnlyAsItself() {
        assertThat(probe.answers("n1", apiUrl)).isTrue();
        assertThat(probe.answers("n1", apiUrl + "/")).isTrue();
        assertThat(probe.answers("n2", apiUrl)).as("another worker took over the address").isFalse();
    }

    @Test
    void onlyTheSchemeHostAndPortOfTheAddressAreUsed() {
        worker.createContext("/elsewhere", exchange -> answer(exchange, 200, "{\"node\":{\"id\":\"n1\"}}"));
        assertThat(probe.answers("n1", apiUrl + "/elsewhere?x=")).as("still /actuator/info").isTrue();
        worker.removeContext("/actuator/info");
        assertThat(probe.answers("n1", apiUrl + "/elsewhere?x=")).isFalse();
    }

    @Test
    void anErrorARedirectOrABodyThatIsNotTheWorkersIsNoAnswer() {
        worker.removeContext("/actuator/info");
        worker.createContext("/actuator/info", exchange -> answer(exchange, 503, "{\"node\":{\"id\":\"n1\"}}"));
        assertThat(probe.answers("n1", apiUrl)).isFalse();

        worker.removeContext("/actuator/info");
        worker.createContext("/actuator/info", exchange -> {
            exchange.getResponseHeaders().set("Location", apiUrl + "/moved");
            answer(exchange, 302, "");
        });
        worker.createContext("/moved", exchange -> answer(exchange, 200, "{\"node\":{\"id\":\"n1\"}}"));
        assertThat(probe.answers("n1", apiUrl)).isFalse();

        worker.removeContext("/actuator/info");
        worker.createContext("/actuator/info", exchange -> answer(exchange, 200, "<html>n1</html>"));
        assertThat(probe.answers("n1", apiUrl)).isFalse();

        worker.removeContext("/actuator/info");
        String huge = "{\"node\":{\"id\":\"n1\"},\"pad\":\"" + "x".repeat(HttpNodeProbe.MAX_BODY_BYTES) + "\"}";
        worker.createContext("/actuator/info", exchange -> answer(exchange, 200, huge));
        assertThat(probe.answers("n1", apiUrl)).as("larger than a worker's info").isFalse();
    }

    @Test
    void aBodyThatNeverEndsIsNoAnswerOnceTheTimeoutIsOver() {
        worker.removeContext("/actuator/info");
        worker.createContext("/actuator/info", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write("{\"node\":".getBytes(StandardCharsets.UTF_8));
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(probe.answers("n1", apiUrl)).isFalse());
    }

    @Test
    void noProcessAtTheAddressOrNoAddressIsNoAnswer() throws IOException {
        HttpServer gone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gone.start();
        gone.stop(0);
        assertThat(probe.answers("n1", "http://127.0.0.1:" + gone.getAddress().getPort())).isFalse();
        assertThat(probe.answers("n1", null)).isFalse();
        assertThat(probe.answers("n1", " ")).isFalse();
        assertThat(probe.answers("n1", "not a url")).isFalse();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
