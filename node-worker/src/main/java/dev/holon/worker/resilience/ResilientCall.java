package dev.holon.worker.resilience;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One kind of outgoing HTTP call under a {@link CallPolicy} (Resilience4j): retry with exponential backoff around a
 * circuit breaker around a time limit. Only what may pass by itself is retried and counted as a failure: no
 * connection, no answer in time, a 5xx. A 4xx is the caller's business and goes straight through. Thread-safe.
 */
public final class ResilientCall {

    /** Failures worth another try: the other side is unreachable, slow or broken, not refusing. */
    public static final Predicate<Throwable> TRANSIENT = error -> error instanceof ResourceAccessException
            || error instanceof TimeoutException
            || error instanceof RestClientResponseException response && response.getStatusCode().is5xxServerError();

    private final Retry retry;
    private final CircuitBreaker breaker;
    private final TimeLimiter limiter;
    private final ExecutorService tries = Executors.newVirtualThreadPerTaskExecutor();

    public ResilientCall(String name, CallPolicy policy) {
        retry = Retry.of(name, RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(policy.initialBackoff(), policy.multiplier()))
                .retryOnException(TRANSIENT)
                .build());
        breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.slidingWindow())
                .minimumNumberOfCalls(policy.slidingWindow())
                .failureRateThreshold(policy.failureRateThreshold())
                .waitDurationInOpenState(policy.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(TRANSIENT)
                .build());
        limiter = TimeLimiter.of(name, TimeLimiterConfig.custom()
                .timeoutDuration(policy.timeout())
                .cancelRunningFuture(true)
                .build());
    }

    /**
     * Calls {@code call} under the policy. Throws what the last try threw (unchecked), a {@link TimeoutException}
     * wrapped in a {@link ResourceAccessException} when it took too long, or {@link CallNotPermittedException} while
     * the circuit is open.
     */
    public <T> T call(Supplier<T> call) {
        Callable<T> limited = TimeLimiter.decorateFutureSupplier(limiter,
                () -> CompletableFuture.supplyAsync(call, tries));
        Callable<T> decorated = Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, limited));
        try {
            return decorated.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (TimeoutException e) {
            throw new ResourceAccessException("no answer within " + limiter.getTimeLimiterConfig().getTimeoutDuration());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public CircuitBreaker.State circuitState() {
        return breaker.getState();
    }
}
