package dev.holon.support.security;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * A service's own identity on outgoing calls: a client-credentials token from Keycloak (the {@code holon-service}
 * client, or another confidential client), fetched on first use, cached and renewed by Spring Security, added as
 * {@code Authorization: Bearer} by the returned interceptor. One way for every service that calls another (the
 * registry reader) or Keycloak's admin API (auth-service). Needs {@code spring-security-oauth2-client}.
 */
public final class ServiceTokens {

    private ServiceTokens() {
    }

    /** {@code tokenUri}: Keycloak's token endpoint over the address services reach it by (the backchannel). */
    public static OAuth2ClientHttpRequestInterceptor clientCredentials(String clientId, String clientSecret,
            String tokenUri) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(clientId)
                .clientId(clientId)
                .clientSecret(clientSecret)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(tokenUri)
                .build();
        var registrations = new InMemoryClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations,
                new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        OAuth2ClientHttpRequestInterceptor interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
        interceptor.setClientRegistrationIdResolver(request -> clientId);
        return interceptor;
    }
}
