package dev.holon.scheduler.scheduling;

import dev.holon.contracts.Page;
import dev.holon.contracts.node.NodeView;
import dev.holon.scheduler.SchedulerProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the registry's current view of the nodes ({@code GET /api/v1/nodes}, all pages) as the {@code holon-service}
 * client (client-credentials token from Keycloak, cached and renewed by Spring Security). Short timeouts: a slow
 * registry must not stall placement, which then keeps the last view.
 */
@Component
public class RegistryNodes {

    private static final String REGISTRATION = "holon-service";
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build(); // the registry may add fields
    private static final TypeReference<Page<NodeView>> PAGE = new TypeReference<>() { };

    private final RestClient http;

    public RegistryNodes(SchedulerProperties properties,
            @Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}") String issuer) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(issuer + "/protocol/openid-connect/token")
                .build();
        var registrations = new InMemoryClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations,
                new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        var tokens = new OAuth2ClientHttpRequestInterceptor(manager);
        tokens.setClientRegistrationIdResolver(request -> REGISTRATION);
        var timeouts = new SimpleClientHttpRequestFactory();
        timeouts.setConnectTimeout(Duration.ofSeconds(1));
        timeouts.setReadTimeout(Duration.ofSeconds(2));
        this.http = RestClient.builder()
                .baseUrl(properties.registryUrl())
                .requestFactory(timeouts)
                .requestInterceptor(tokens)
                .build();
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
}
