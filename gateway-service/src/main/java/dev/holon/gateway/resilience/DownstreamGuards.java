package dev.holon.gateway.resilience;

import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.gateway.routing.ServiceRoute;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out one {@link DownstreamGuard} per service (its API and its OpenAPI routes share one circuit),
 * configured from {@code holon.gateway.*}. The breakers live in Resilience4j registries, so their state and
 * calls show up in the metrics ({@code resilience4j_circuitbreaker_*}).
 */
public final class DownstreamGuards {

    private final GatewayProperties properties;
    private final CircuitBreakerRegistry circuitBreakers;
    private final TimeLimiterRegistry timeLimiters;
    private final ProblemWriter problems;
    private final Clock clock;
    private final Map<String, DownstreamGuard> guards = new ConcurrentHashMap<>();

    public DownstreamGuards(GatewayProperties properties, CircuitBreakerRegistry circuitBreakers,
                            TimeLimiterRegistry timeLimiters, ProblemWriter problems, Clock clock) {
        this.properties = properties;
        this.circuitBreakers = circuitBreakers;
        this.timeLimiters = timeLimiters;
        this.problems = problems;
        this.clock = clock;
    }

    public DownstreamGuard forService(ServiceRoute route) {
        return guards.computeIfAbsent(route.service(), service -> new DownstreamGuard(
                service,
                circuitBreakers.circuitBreaker(service, circuitBreakerConfig()),
                timeLimiters.timeLimiter(service, TimeLimiterConfig.custom()
                        .timeoutDuration(properties.downstreamTimeout())
                        .cancelRunningFuture(true)
                        .build()),
                properties.circuitOpenDuration(),
                properties.unavailableRetryAfter(),
                problems,
                clock));
    }

    /** A circuit breaker for a call that is not a route (the PAT exchange), configured like the routes' ones. */
    public CircuitBreaker circuitBreaker(String name) {
        return circuitBreakers.circuitBreaker(name, circuitBreakerConfig());
    }

    /** A time limiter for a call that is not a route, with its own timeout. */
    public TimeLimiter timeLimiter(String name, Duration timeout) {
        return timeLimiters.timeLimiter(name, TimeLimiterConfig.custom()
                .timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    CircuitBreakerConfig circuitBreakerConfig() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(properties.circuitOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(3)
                .build();
    }
}
