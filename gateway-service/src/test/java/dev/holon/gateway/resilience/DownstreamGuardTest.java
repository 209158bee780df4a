package dev.holon.gateway.resilience;

import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.gateway.routing.ServiceRoute;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The breaker's bookkeeping without a network: which answers count against a service, and what callers get. */
class DownstreamGuardTest {

    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final DownstreamGuard guard = new DownstreamGuards(
            new GatewayProperties(URI.create("http://registry"), URI.create("http://scheduler"), 50, 0, 100, Duration.ofMinutes(1),
                    Duration.ofMillis(200), Duration.ofSeconds(7), Duration.ofSeconds(2), Duration.ofSeconds(30)),
            breakers, TimeLimiterRegistry.ofDefaults(), new ProblemWriter(JsonMapper.builder().build()),
            Clock.systemUTC())
            .forService(new ServiceRoute("registry-service", "registry", URI.create("http://registry"),
                    List.of("/api/v1/nodes")));
    private final AtomicInteger downstreamCalls = new AtomicInteger();

    private MockServerWebExchange call(GatewayFilterChain downstream) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/nodes"));
        guard.filter(exchange, downstream).block(Duration.ofSeconds(5));
        return exchange;
    }

    private GatewayFilterChain answering(HttpStatus status) {
        return exchange -> {
            downstreamCalls.incrementAndGet();
            exchange.getResponse().setStatusCode(status);
            return Mono.empty();
        };
    }

    private CircuitBreaker breaker() {
        return breakers.circuitBreaker("registry-service");
    }

    @Test
    void liveStreamsAreRecognisedByAcceptOrFollow() {
        assertThat(DownstreamGuard.isLiveStream(MockServerHttpRequest.get("/api/v1/jobs/j/tasks/0/logs")
                .header("Accept", "text/event-stream").build())).isTrue();
        assertThat(DownstreamGuard.isLiveStream(MockServerHttpRequest.get("/api/v1/jobs/j/tasks/0/logs?follow=true")
                .build())).isTrue();
        assertThat(DownstreamGuard.isLiveStream(MockServerHttpRequest.get("/api/v1/jobs/j/tasks/0/logs?follow=false")
                .header("Accept", "*/*").build())).isFalse();
        assertThat(DownstreamGuard.isLiveStream(MockServerHttpRequest.get("/api/v1/nodes")
                .header("Accept", "application/json").build())).isFalse();
    }

    @Test
    void fileUploadsAreStreamedUploadsWithoutAHeaderDeadline() {
        assertThat(DownstreamGuard.isStreamedUpload(MockServerHttpRequest.put("/api/v1/files/default/x.bin")
                .header("Content-Type", "application/octet-stream").build())).isTrue();
        assertThat(DownstreamGuard.isStreamedUpload(MockServerHttpRequest.post("/api/v1/jobs")
                .header("Content-Type", "application/json").build())).isFalse();
        assertThat(DownstreamGuard.isStreamedUpload(MockServerHttpRequest.get("/api/v1/nodes").build())).isFalse();
    }

    @Test
    void clientErrorsPassThroughAndCountAsSuccesses() {
        for (int i = 0; i < 10; i++) {
            assertThat(call(answering(HttpStatus.NOT_FOUND)).getResponse().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        }

        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void unavailableAnswersPassThroughButOpenTheCircuit() {
        for (int i = 0; i < 5; i++) {
            MockServerWebExchange exchange = call(answering(HttpStatus.SERVICE_UNAVAILABLE));
            assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(exchange.getResponse().getHeaders().getContentType()).isNull();
        }
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        MockServerWebExchange rejected = call(answering(HttpStatus.OK));

        assertThat(downstreamCalls).hasValue(5);
        assertThat(rejected.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(rejected.getResponse().getHeaders().getFirst("Retry-After")).isIn("6", "7");
        assertThat(rejected.getResponse().getBodyAsString().block())
                .contains("\"type\":\"/problems/unavailable\"")
                .contains("registry-service is not answering; retry shortly");
    }

    @Test
    void internalErrorsPassThroughWithoutJudgingTheService() {
        call(answering(HttpStatus.INTERNAL_SERVER_ERROR));

        assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void aTimeoutIsA503ProblemAndAFailure() {
        MockServerWebExchange exchange = call(ignored -> Mono.never());

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("2");
        assertThat(exchange.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionIsA503Problem() {
        MockServerWebExchange exchange = call(ignored -> Mono.error(new ConnectException("Connection refused")));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getBodyAsString().block()).doesNotContain("Connection refused");
    }
}
