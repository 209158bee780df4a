package dev.holon.storage.node;

import dev.holon.contracts.Page;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeView;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.placement.StorageNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
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
    private static final String REGISTRATION = "holon-service";
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final TypeReference<Page<NodeView>> PAGE = new TypeReference<>() { };

    private final RestClient http;
    private final Retry retry;
    private volatile List<StorageNode> nodes = List.of();

    public NodeDirectory(StorageProperties properties,
            @Value("${holon.storage.token-uri:${spring.security.oauth2.resourceserver.jwt.issuer-uri}/protocol/openid-connect/token}")
            String tokenUri) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(tokenUri)
                .build();
        var registrations = new InMemoryClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations,
                new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        var tokens = new OAuth2ClientHttpRequestInterceptor(manager);
        tokens.setClientRegistrationIdResolver(request -> REGISTRATION);
        var timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(Duration.ofSeconds(1));
        timeouts.setReadTimeout(Duration.ofSeconds(3));
        this.http = RestClient.builder().baseUrl(properties.registryUrl()).requestFactory(timeouts)
                .requestInterceptor(tokens).build();
        this.retry = Retry.of("registry", RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2))
                .retryOnException(e -> e instanceof ResourceAccessException || e instanceof HttpServerErrorException)
                .build());
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
            List<NodeView> views = Retry.decorateSupplier(retry, this::allPages).get();
            nodes = views.stream().map(NodeDirectory::toStorageNode).toList();
        } catch (RuntimeException e) {
            log.warn("Could not read the nodes from the registry, keeping the last view: {}", e.getMessage());
        }
        return nodes;
    }

    private List<NodeView> allPages() {
        List<NodeView> all = new ArrayList<>();
        String cursor = null;
        do {
            String after = cursor;
            String body = http.get()
                    .uri(uri -> {
                        uri.path("/api/v1/nodes").queryParam("limit", 500);
                        return after == null ? uri.build() : uri.queryParam("cursor", after).build();
                    })
                    .retrieve().body(String.class);
            Page<NodeView> page = JSON.readValue(body, PAGE);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    static StorageNode toStorageNode(NodeView view) {
        Map<String, String> labels = view.labels() == null ? Map.of() : view.labels();
        String zone = labels.getOrDefault("zone", labels.getOrDefault("rack", ""));
        long freeBytes = view.usage() == null ? 0 : view.usage().diskFreeMiB() * 1024L * 1024L;
        return new StorageNode(view.id(), view.apiUrl(), view.state() != NodeState.DOWN, view.state() == NodeState.UP,
                view.cordoned(), view.draining(), zone, freeBytes);
    }
}
