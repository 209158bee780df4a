package dev.holon.scheduler.logs;

import dev.holon.contracts.node.NodeView;
import dev.holon.scheduler.scheduling.RegistryNodes;
import dev.holon.support.problem.ProblemException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Opens an attempt's log on the worker that holds it ({@code GET <apiUrl>/api/v1/tasks/{attemptId}/logs}) as the
 * scheduler's service identity, and hands back the open response for the caller to stream through. Each node has
 * its own circuit breaker, so one dead worker answers 503 at once without slowing logs from the others. Nothing is
 * retried: a follow that broke after it started must not replay lines the client has already seen.
 */
@Component
@EnableConfigurationProperties(LogsProperties.class)
class WorkerLogs {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What to ask the worker for; {@code offset} only for a follow. */
    record Request(String attemptId, String stream, Integer tail, boolean follow, Long offset) {
    }

    /** The worker answered 404: it has no such attempt (not started there yet, or its files are gone). */
    static final class NotOnWorker extends RuntimeException {
        NotOnWorker() {
            super(null, null, false, false);
        }
    }

    private final RestClient reads;
    private final RestClient follows;
    private final CircuitBreakerRegistry breakers;
    private final Duration retryAfter;

    WorkerLogs(RegistryNodes registry, LogsProperties properties) {
        this.reads = client(registry, properties.connectTimeout(), properties.readTimeout());
        this.follows = client(registry, properties.connectTimeout(), properties.followIdleTimeout());
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(properties.failureRate())
                .slidingWindowSize(properties.window())
                .minimumNumberOfCalls(properties.window())
                .waitDurationInOpenState(properties.openFor())
                .recordException(e -> e instanceof WorkerFailed || e instanceof ResourceAccessException)
                .build());
        this.retryAfter = properties.retryAfter();
    }

    private static RestClient client(RegistryNodes registry, Duration connect, Duration read) {
        var timeouts = new SimpleClientHttpRequestFactory(); // its read timeout is per read: an idle timeout
        timeouts.setConnectTimeout(connect);
        timeouts.setReadTimeout(read);
        return RestClient.builder().requestFactory(timeouts).requestInterceptor(registry.serviceToken()).build();
    }

    /**
     * The worker's 2xx answer, open, for the caller to read and close. A 404 from the worker is {@link NotOnWorker},
     * a 400 its problem's detail as ours; the worker down, failing or its circuit open is {@link WorkerUnavailable}.
     */
    ClientHttpResponse open(NodeView node, Request request) {
        CircuitBreaker breaker = breakers.circuitBreaker(node.id());
        try {
            return breaker.executeSupplier(() -> call(node, request));
        } catch (CallNotPermittedException e) {
            throw unavailable(node, "has failed repeatedly");
        } catch (WorkerFailed e) {
            throw unavailable(node, "answered " + e.getMessage());
        } catch (ResourceAccessException e) {
            throw unavailable(node, "cannot be reached");
        }
    }

    private ClientHttpResponse call(NodeView node, Request request) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(node.apiUrl())
                .path("/api/v1/tasks/{attemptId}/logs")
                .queryParam("stream", request.stream());
        if (request.tail() != null) {
            uri.queryParam("tail", request.tail());
        }
        if (request.follow()) {
            uri.queryParam("follow", true);
        }
        if (request.offset() != null) {
            uri.queryParam("offset", request.offset());
        }
        URI target = uri.buildAndExpand(request.attemptId()).encode().toUri();
        RestClient http = request.follow() ? follows : reads;
        ClientHttpResponse response = http.get().uri(target)
                .header("Accept", (request.follow() ? "text/event-stream" : "text/plain") + ", application/problem+json")
                .exchange((req, res) -> res, false);
        try {
            int status = response.getStatusCode().value();
            if (status >= 200 && status < 300) {
                return response;
            }
            String detail = detailOf(response);
            response.close();
            if (status == 404) {
                throw new NotOnWorker();
            }
            if (status == 400) {
                throw ProblemException.invalid(detail != null ? detail : "the worker refused the request");
            }
            throw new WorkerFailed(status);
        } catch (IOException e) {
            response.close();
            throw new ResourceAccessException("reading the worker's answer: " + e.getMessage(), e);
        }
    }

    private static String detailOf(ClientHttpResponse response) {
        try {
            byte[] body = response.getBody().readNBytes(16 * 1024);
            return JSON.readTree(new String(body, StandardCharsets.UTF_8)).path("detail").asString(null);
        } catch (IOException | UncheckedIOException | tools.jackson.core.JacksonException e) {
            return null;
        }
    }

    WorkerUnavailable unavailable(NodeView node, String what) {
        return new WorkerUnavailable("node " + node.id() + " (" + node.hostname() + ") holds this log and "
                + what + "; try again later", retryAfter);
    }

    /** A 5xx or unexpected status from a worker: counts against its circuit. */
    private static final class WorkerFailed extends RuntimeException {
        WorkerFailed(int status) {
            super(Integer.toString(status), null, false, false);
        }
    }
}
