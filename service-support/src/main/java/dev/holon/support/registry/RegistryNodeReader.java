package dev.holon.support.registry;

import dev.holon.contracts.Page;
import dev.holon.contracts.node.NodeView;
import dev.holon.support.security.ServiceTokens;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads registry-service's nodes ({@code GET /api/v1/nodes}, every page, or one node) as the {@code holon-service}
 * client: a client-credentials token from Keycloak, cached and renewed by Spring Security, and short timeouts.
 * Retries and circuit breaking are the caller's, who knows what a failing registry means for it. Thread-safe.
 */
public final class RegistryNodeReader {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build(); // the registry may add fields
    private static final TypeReference<Page<NodeView>> PAGE = new TypeReference<>() { };

    private final RestClient http;
    private final OAuth2ClientHttpRequestInterceptor serviceToken;

    public RegistryNodeReader(String registryUrl, String clientId, String clientSecret, String tokenUri,
                              Duration readTimeout) {
        this.serviceToken = ServiceTokens.clientCredentials(clientId, clientSecret, tokenUri);
        var timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(Duration.ofSeconds(1));
        timeouts.setReadTimeout(readTimeout);
        this.http = RestClient.builder().baseUrl(registryUrl).requestFactory(timeouts)
                .requestInterceptor(serviceToken).build();
    }

    /** Adds the service's token to requests, for other Holon services that trust the same realm. */
    public ClientHttpRequestInterceptor serviceToken() {
        return serviceToken;
    }

    /** Every node the registry knows, in id order. */
    public List<NodeView> all() {
        List<NodeView> nodes = new ArrayList<>();
        String cursor = null;
        do {
            String after = cursor;
            String body = http.get()
                    .uri(uri -> {
                        uri.path("/api/v1/nodes").queryParam("limit", 500);
                        return after == null ? uri.build() : uri.queryParam("cursor", after).build();
                    })
                    .retrieve()
                    .body(String.class);
            Page<NodeView> page = JSON.readValue(body, PAGE);
            nodes.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return nodes;
    }

    /** The node as the registry sees it now; empty when the registry does not know it. */
    public Optional<NodeView> find(String nodeId) {
        try {
            String body = http.get().uri("/api/v1/nodes/{id}", nodeId).retrieve().body(String.class);
            return Optional.of(JSON.readValue(body, NodeView.class));
        } catch (HttpClientErrorException.NotFound e) {
            return Optional.empty();
        }
    }
}
