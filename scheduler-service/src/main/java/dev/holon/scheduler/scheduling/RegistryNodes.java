package dev.holon.scheduler.scheduling;

import dev.holon.contracts.node.NodeView;
import dev.holon.scheduler.SchedulerProperties;
import dev.holon.support.registry.RegistryNodeReader;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads the registry's current view of the nodes ({@code GET /api/v1/nodes}, all pages, or one node) as the
 * {@code holon-service} client (client-credentials token from Keycloak, cached and renewed by Spring Security). Short
 * timeouts: a slow registry must not stall placement, which then keeps the last view. Connection errors and 5xx are
 * retried with backoff; a circuit breaker stops calling a registry that keeps failing, so callers fail fast
 * ({@link CallNotPermittedException}) instead of queueing behind timeouts.
 */
@Component
@EnableConfigurationProperties(RegistryNodes.Resilience.class)
public class RegistryNodes {

    /**
     * How the scheduler treats a failing registry ({@code holon.scheduler.registry-resilience.*}).
     *
     * @param attempts     tries per call, the first included, on connection errors and 5xx
     * @param backoff      wait before the first retry, doubled for each further one
     * @param failureRate  percentage of failed calls (over the last {@code window}) that opens the circuit
     * @param window       calls the failure rate is computed over; at least this many before it can open
     * @param openFor      how long the open circuit refuses calls before it lets a few probe the registry
     */
    @ConfigurationProperties("holon.scheduler.registry-resilience")
    public record Resilience(
            @DefaultValue("3") int attempts,
            @DefaultValue("PT0.1S") Duration backoff,
            @DefaultValue("50") float failureRate,
            @DefaultValue("10") int window,
            @DefaultValue("PT10S") Duration openFor) {
    }

    private final RegistryNodeReader reader;
    private final Retry retry;
    private final CircuitBreaker breaker;

    public RegistryNodes(SchedulerProperties properties, Resilience resilience,
            @Value("${holon.scheduler.token-uri:${spring.security.oauth2.resourceserver.jwt.issuer-uri}/protocol/openid-connect/token}")
            String tokenUri) {
        // a slow registry must not stall placement, which then keeps the last view
        this.reader = new RegistryNodeReader(properties.registryUrl(), properties.clientId(), properties.clientSecret(),
                tokenUri, Duration.ofSeconds(2));
        this.retry = Retry.of("registry", RetryConfig.custom()
                .maxAttempts(resilience.attempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(resilience.backoff(), 2))
                .retryOnException(RegistryNodes::isFailure)
                .build());
        this.breaker = CircuitBreaker.of("registry", CircuitBreakerConfig.custom()
                .failureRateThreshold(resilience.failureRate())
                .slidingWindowSize(resilience.window())
                .minimumNumberOfCalls(resilience.window())
                .waitDurationInOpenState(resilience.openFor())
                .recordException(RegistryNodes::isFailure)
                .build());
    }

    /** Adds the scheduler's service token to requests, for other Holon services that trust the same realm. */
    public ClientHttpRequestInterceptor serviceToken() {
        return reader.serviceToken();
    }

    /** The node as the registry sees it now; empty when the registry does not know it. */
    public Optional<NodeView> find(String nodeId) {
        return guarded(() -> reader.find(nodeId));
    }

    /** Every node the registry knows, in id order. */
    public List<NodeView> all() {
        return guarded(reader::all);
    }

    private <T> T guarded(Supplier<T> call) {
        return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
    }

    /** The registry is down or failing, as opposed to answering a 4xx about the request. */
    private static boolean isFailure(Throwable e) {
        return e instanceof ResourceAccessException || e instanceof HttpServerErrorException;
    }
}
