package dev.holon.storage.node;

import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeView;
import dev.holon.storage.StorageProperties;
import dev.holon.support.registry.RegistryNodeReader;
import dev.holon.storage.placement.StorageNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry's nodes as chunk placement needs them ({@code GET /api/v1/nodes}, all pages, as the
 * {@code holon-service} client), re-read every {@code node-view-refresh} and at once on node events. Between
 * refreshes callers get the last view; a failing registry leaves the last view in place. Thread-safe.
 */
@Component
public class NodeDirectory {

    private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);
    private final RegistryNodeReader reader;
    private final Retry retry;
    private volatile List<StorageNode> nodes = List.of();

    public NodeDirectory(StorageProperties properties,
            @Value("${holon.storage.token-uri:${spring.security.oauth2.resourceserver.jwt.issuer-uri}/protocol/openid-connect/token}")
            String tokenUri) {
        this.reader = new RegistryNodeReader(properties.registryUrl(), properties.clientId(), properties.clientSecret(),
                tokenUri, Duration.ofSeconds(3));
        this.retry = Retry.of("registry", RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2))
                .retryOnException(e -> e instanceof ResourceAccessException || e instanceof HttpServerErrorException)
                .build());
    }

    /** Adds storage-service's own token to requests, for other Holon services that trust the same realm. */
    public ClientHttpRequestInterceptor serviceToken() {
        return reader.serviceToken();
    }

    /** The last view of every node the registry knows. */
    public List<StorageNode> nodes() {
        return nodes;
    }

    public Optional<StorageNode> find(String nodeId) {
        return nodes.stream().filter(n -> n.id().equals(nodeId)).findFirst();
    }

    /** Re-reads the registry now; keeps the last view when it cannot be reached. */
    @Scheduled(fixedDelayString = "${holon.storage.node-view-refresh:PT5S}")
    public List<StorageNode> refresh() {
        try {
            List<NodeView> views = Retry.decorateSupplier(retry, reader::all).get();
            nodes = views.stream().map(NodeDirectory::toStorageNode).toList();
        } catch (RuntimeException e) {
            log.warn("Could not read the nodes from the registry, keeping the last view: {}", e.getMessage());
        }
        return nodes;
    }

    static StorageNode toStorageNode(NodeView view) {
        Map<String, String> labels = view.labels() == null ? Map.of() : view.labels();
        String zone = labels.getOrDefault("zone", labels.getOrDefault("rack", ""));
        long freeBytes = view.usage() == null ? 0 : view.usage().diskFreeMiB() * 1024L * 1024L;
        boolean gone = view.state() == NodeState.DOWN || view.state() == NodeState.REMOVED;
        return new StorageNode(view.id(), view.apiUrl(), !gone, view.state() == NodeState.UP,
                view.cordoned(), view.draining(), zone, freeBytes);
    }
}
