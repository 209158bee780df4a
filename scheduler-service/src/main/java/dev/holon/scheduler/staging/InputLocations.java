package dev.holon.scheduler.staging;

import dev.holon.scheduler.placement.InputLocalityScorer.JobInputs;
import dev.holon.scheduler.scheduling.RegistryNodes;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a job's input files are, for data locality: {@code GET /api/v1/files/<tenant>/<path>?op=stat&replicas=true}
 * on storage-service for each input, as the {@code holon-service} client (role {@code service}), summed into bytes per
 * node. Short timeouts, retry with backoff on connection errors and 5xx, a circuit breaker: when storage is down or
 * slow a submit still succeeds, without locality. An input storage does not know (404) adds nothing; the worker
 * fails its tasks with the reason when they start.
 */
@Component
@EnableConfigurationProperties(InputLocations.Properties.class)
public class InputLocations {

    /**
     * {@code holon.scheduler.storage.*}: where storage-service is and how long a submit waits for it.
     *
     * @param url         storage-service's base URL ({@code HOLON_STORAGE_URL})
     * @param timeout     connect and read timeout of one call
     * @param attempts    tries per input, the first included, on connection errors and 5xx
     * @param backoff     wait before the first retry, doubled for each further one
     * @param openFor     how long the circuit, once open (half of the last 10 calls failed), skips storage
     */
    @ConfigurationProperties("holon.scheduler.storage")
    public record Properties(
            @DefaultValue("http://localhost:8889") String url,
            @DefaultValue("PT1S") Duration timeout,
            @DefaultValue("2") int attempts,
            @DefaultValue("PT0.1S") Duration backoff,
            @DefaultValue("PT10S") Duration openFor) {
    }

    private static final Logger log = LoggerFactory.getLogger(InputLocations.class);

    private final RestClient http;
    private final String base;
    private final Retry retry;
    private final CircuitBreaker breaker;

    public InputLocations(Properties properties, RegistryNodes registry) {
        var timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(properties.timeout());
        timeouts.setReadTimeout(properties.timeout());
        this.base = properties.url().endsWith("/") ? properties.url().substring(0, properties.url().length() - 1)
                : properties.url();
        this.http = RestClient.builder().requestFactory(timeouts)
                .requestInterceptor(registry.serviceToken()).build();
        this.retry = Retry.of("storage", RetryConfig.custom()
                .maxAttempts(Math.max(1, properties.attempts()))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(properties.backoff(), 2))
                .retryOnException(InputLocations::isFailure)
                .build());
        this.breaker = CircuitBreaker.of("storage", CircuitBreakerConfig.custom()
                .failureRateThreshold(50).slidingWindowSize(10).minimumNumberOfCalls(10)
                .waitDurationInOpenState(properties.openFor())
                .recordException(InputLocations::isFailure)
                .build());
    }

    /** The inputs' bytes in all and per node; empty when storage could not say (the job then has no locality). */
    public JobInputs of(List<String> inputs) {
        long total = 0;
        Map<String, Long> byNode = new HashMap<>();
        for (String input : inputs) {
            JsonNode stat;
            try {
                stat = breaker.executeSupplier(Retry.decorateSupplier(retry, () -> stat(input)));
            } catch (HttpClientErrorException e) {
                continue; // not there (yet): no bytes to be near
            } catch (CallNotPermittedException | ResourceAccessException | HttpServerErrorException e) {
                log.info("storage cannot say where the inputs are ({}); placing without locality", e.toString());
                return new JobInputs(0, Map.of());
            } catch (RuntimeException e) {
                log.warn("reading where input {} is failed; placing without locality: {}", input, e.toString());
                return new JobInputs(0, Map.of());
            }
            if (stat == null) {
                continue;
            }
            total += stat.path("size").asLong(0);
            for (JsonNode chunk : stat.path("chunks")) {
                long size = chunk.path("size").asLong(0);
                for (JsonNode node : chunk.path("replicas")) {
                    byNode.merge(node.asString(), size, Long::sum);
                }
            }
        }
        return new JobInputs(total, byNode);
    }

    private JsonNode stat(String input) {
        StringBuilder path = new StringBuilder("/api/v1/files");
        for (String segment : input.substring(1).split("/")) {
            path.append('/').append(UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8));
        }
        return http.get().uri(URI.create(base + path + "?op=stat&replicas=true")).retrieve().body(JsonNode.class);
    }

    private static boolean isFailure(Throwable e) {
        return e instanceof ResourceAccessException || e instanceof HttpServerErrorException;
    }
}
