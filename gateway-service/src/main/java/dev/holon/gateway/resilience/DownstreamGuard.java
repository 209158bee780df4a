package dev.holon.gateway.resilience;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Guards one downstream service with a Resilience4j circuit breaker and time limiter. A refused connection,
 * a timeout or an open circuit becomes {@code 503 /problems/unavailable} with {@code Retry-After}; any answer
 * the service does give passes through unchanged. 4xx answers count as successes; 502/503/504 answers count
 * as failures (the service says it cannot work), other 5xx are passed on without judging the service's health.
 *
 * <p>Ordered after the gateway's response writer, so the timeout covers "until the response headers
 * arrive", not the streaming of a large body. Live streams ({@code Accept: text/event-stream} or
 * {@code follow=true}, such as a task's log) have no timeout at all: a follow may rightly wait for its first
 * bytes as long as the task is quiet, so only the circuit breaker guards them. Nor have streamed uploads
 * ({@code Content-Type: application/octet-stream}, such as a file PUT): their answer comes only after the whole
 * body went through, which takes as long as the file is large.
 */
public final class DownstreamGuard implements GatewayFilter, Ordered {

    /** Just after {@code NettyWriteResponseFilter} (-1): see the class comment. */
    public static final int ORDER = 0;

    private static final Logger log = LoggerFactory.getLogger(DownstreamGuard.class);
    private static final Set<Integer> FAILURE_STATUSES = Set.of(502, 503, 504);

    private final String service;
    private final CircuitBreaker circuitBreaker;
    private final TimeLimiter timeLimiter;
    private final Duration openFor;
    private final Duration retryAfterWhenClosed;
    private final ProblemWriter problems;
    private final Clock clock;
    private final AtomicReference<Instant> openedAt = new AtomicReference<>();

    /**
     * @param openFor              how long the breaker stays open (its wait duration in open state)
     * @param retryAfterWhenClosed Retry-After for a failed call while the circuit is still closed
     */
    public DownstreamGuard(String service, CircuitBreaker circuitBreaker, TimeLimiter timeLimiter, Duration openFor,
                           Duration retryAfterWhenClosed, ProblemWriter problems, Clock clock) {
        this.service = service;
        this.circuitBreaker = circuitBreaker;
        this.timeLimiter = timeLimiter;
        this.openFor = openFor;
        this.retryAfterWhenClosed = retryAfterWhenClosed;
        this.problems = problems;
        this.clock = clock;
        circuitBreaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt.set(clock.instant());
                log.warn("Circuit of {} opened: {}", service, event.getStateTransition());
            } else {
                log.info("Circuit of {}: {}", service, event.getStateTransition());
            }
        });
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (!circuitBreaker.tryAcquirePermission()) {
            long retryAfter = RetryAfter.untilHalfOpen(openedAt.get(), openFor, clock.instant());
            return unavailable(exchange, retryAfter);
        }
        long start = circuitBreaker.getCurrentTimestamp();
        Mono<Void> call = chain.filter(exchange);
        if (!isLiveStream(exchange.getRequest()) && !isStreamedUpload(exchange.getRequest())) {
            call = call.transformDeferred(TimeLimiterOperator.of(timeLimiter));
        }
        return call
                .doOnSuccess(ignored -> recordAnswer(exchange, start))
                .doOnCancel(circuitBreaker::releasePermission)
                .onErrorResume(error -> {
                    circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(), error);
                    if (exchange.getResponse().isCommitted()) {
                        return Mono.error(error);
                    }
                    log.info("{} did not answer {} {}: {}", service, exchange.getRequest().getMethod(),
                            exchange.getRequest().getPath(), error.toString());
                    abandonDownstreamResponse(exchange);
                    long retryAfter = circuitBreaker.getState() == CircuitBreaker.State.OPEN
                            ? RetryAfter.untilHalfOpen(openedAt.get(), openFor, clock.instant())
                            : RetryAfter.seconds(retryAfterWhenClosed);
                    return unavailable(exchange, retryAfter);
                });
    }

    /** A request for a live stream: Server-Sent Events by {@code Accept}, or a {@code follow=true} query. */
    static boolean isLiveStream(ServerHttpRequest request) {
        boolean eventStream = request.getHeaders().getAccept().stream()
                .anyMatch(type -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM) && !type.isWildcardType());
        return eventStream || "true".equalsIgnoreCase(request.getQueryParams().getFirst("follow"));
    }

    /** A request whose body is a byte stream (a file upload): answered only once all of it arrived. */
    static boolean isStreamedUpload(ServerHttpRequest request) {
        MediaType type = request.getHeaders().getContentType();
        return type != null && type.isCompatibleWith(MediaType.APPLICATION_OCTET_STREAM);
    }

    private void recordAnswer(ServerWebExchange exchange, long start) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (status != null && FAILURE_STATUSES.contains(status.value())) {
            circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(),
                    new DownstreamFailureStatus(service, status.value()));
        } else {
            circuitBreaker.onSuccess(elapsed(start), circuitBreaker.getTimestampUnit());
        }
    }

    private long elapsed(long start) {
        return circuitBreaker.getCurrentTimestamp() - start;
    }

    /** A timed-out downstream may have sent headers already: drop them and its connection. */
    private static void abandonDownstreamResponse(ServerWebExchange exchange) {
        Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
        exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
        if (connection != null) {
            connection.dispose();
        }
        exchange.getResponse().getHeaders().clear();
    }

    private Mono<Void> unavailable(ServerWebExchange exchange, long retryAfterSeconds) {
        return problems.write(exchange, new Problem(ProblemType.UNAVAILABLE,
                service + " is not answering; retry shortly", retryAfterSeconds));
    }

    @Override
    public String toString() {
        return "DownstreamGuard[" + service + ", timeout " + timeLimiter.getTimeLimiterConfig().getTimeoutDuration() + "]";
    }

    /** Recorded by the circuit breaker when a service answers that it cannot work (502/503/504). */
    static final class DownstreamFailureStatus extends RuntimeException {
        DownstreamFailureStatus(String service, int status) {
            super(service + " answered " + status, null, false, false);
        }
    }
}
