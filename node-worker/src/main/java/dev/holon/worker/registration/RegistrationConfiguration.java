package dev.holon.worker.registration;


import dev.holon.worker.WorkerProperties;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.metrics.MachineProbe;
import dev.holon.worker.resilience.ResilienceProperties;
import dev.holon.worker.resilience.ResilientCall;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import java.time.Clock;
import java.time.Duration;

/**
 * Wires the registry client with the node's OAuth2 client credentials: Spring Security obtains and caches the
 * token (client-credentials grant against {@code holon.worker.credentials.token-uri}), adds it as a bearer
 * header, and forgets it when the registry answers 401 so the next call fetches a fresh one.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ResilienceProperties.class)
public class RegistrationConfiguration {

    /** The registration id of the node's client in Spring Security's client registry. */
    public static final String NODE_CLIENT = "holon-node";

    @Bean
    EnrolmentStatus enrolmentStatus() {
        return new EnrolmentStatus();
    }

    /** Adds the node's bearer token to a call (to the registry, the scheduler). */
    @Bean
    OAuth2ClientHttpRequestInterceptor nodeBearer(OAuth2AuthorizedClientManager nodeAuthorizedClientManager,
                                                  OAuth2AuthorizedClientService nodeAuthorizedClients) {
        OAuth2ClientHttpRequestInterceptor bearer = new OAuth2ClientHttpRequestInterceptor(nodeAuthorizedClientManager);
        bearer.setClientRegistrationIdResolver(request -> NODE_CLIENT);
        // A 401 drops the cached token, so the next call fetches a fresh one.
        bearer.setAuthorizationFailureHandler(
                OAuth2ClientHttpRequestInterceptor.authorizationFailureHandler(nodeAuthorizedClients));
        return bearer;
    }

    @Bean
    RegistryClient registryClient(RestClient.Builder restClientBuilder, WorkerProperties properties,
                                  OAuth2ClientHttpRequestInterceptor nodeBearer, ResilienceProperties resilience) {
        return new RegistryClient(restClientBuilder.clone()
                .baseUrl(properties.registryUrl().toString())
                .requestFactory(requestFactory(properties))
                .requestInterceptor(nodeBearer)
                .build(), new ResilientCall("registry", resilience.registry()));
    }

    @Bean
    RegistrationReconciler registrationReconciler(RegistryClient registryClient, NodeIdentity identity,
                                                  MachineProbe probe, WorkerProperties properties,
                                                  EnrolmentStatus status, Clock clock, Environment environment) {
        return new RegistrationReconciler(registryClient, identity, probe.inventory(), properties, status, clock,
                () -> apiUrl(environment));
    }

    /**
     * Where services reach this worker's API: {@code holon.worker.advertise-url} when set, else this host's address
     * and the port the web server listens on (known once it started, before enrolment).
     */
    static String apiUrl(Environment environment) {
        String configured = environment.getProperty("holon.worker.advertise-url");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host = environment.getProperty("holon.worker.advertise-host");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                host = InetAddress.getLoopbackAddress().getHostAddress();
            }
        }
        return "http://" + host + ":" + environment.getProperty("local.server.port",
                environment.getProperty("server.port", "8080"));
    }

    @Bean
    EnrolmentHealthIndicator enrolmentHealthIndicator(EnrolmentStatus status, NodeIdentity identity) {
        return new EnrolmentHealthIndicator(status, identity);
    }

    private static final Duration REDEEM_TIMEOUT = Duration.ofSeconds(30);

    static ClientHttpRequestFactory requestFactory(WorkerProperties properties) {
        return requestFactory(properties.registryTimeout(), properties.registryTimeout());
    }

    private static ClientHttpRequestFactory requestFactory(Duration connectTimeout, Duration readTimeout) {
        return ClientHttpRequestFactoryBuilder.jdk().build(
                HttpClientSettings.defaults().withTimeouts(connectTimeout, readTimeout));
    }

    /** The node's OAuth2 client: its own from enrolment, or the shared one ({@link NodeClientRegistrations}). */
    @Bean
    ClientRegistrationRepository nodeClientRegistrations(WorkerProperties properties, NodeIdentity identity) {
        URI authUrl = properties.credentials().authUrl();
        // A redemption creates a Keycloak client, which takes seconds on a loaded machine: wait for it rather than
        // time out and redeem again (auth-service answers a repeat, but with a new secret).
        Duration redeemTimeout = properties.registryTimeout().compareTo(REDEEM_TIMEOUT) > 0
                ? properties.registryTimeout() : REDEEM_TIMEOUT;
        EnrolmentTokenRedeemer redeemer = properties.credentials().hasEnrolmentToken()
                ? new EnrolmentTokenRedeemer(RestClient.builder()
                        .requestFactory(requestFactory(properties.registryTimeout(), redeemTimeout)), authUrl)
                : null;
        return new NodeClientRegistrations(properties, identity.nodeId(), redeemer);
    }

    @Bean
    OAuth2AuthorizedClientService nodeAuthorizedClients(ClientRegistrationRepository registrations) {
        return new InMemoryOAuth2AuthorizedClientService(registrations);
    }

    @Bean
    OAuth2AuthorizedClientManager nodeAuthorizedClientManager(ClientRegistrationRepository registrations,
                                                              OAuth2AuthorizedClientService authorizedClients,
                                                              WorkerProperties properties) {
        RestClientClientCredentialsTokenResponseClient tokenClient = new RestClientClientCredentialsTokenResponseClient();
        tokenClient.setRestClient(RestClient.builder()
                .requestFactory(requestFactory(properties))
                .configureMessageConverters(converters -> converters
                        .addCustomConverter(new FormHttpMessageConverter())
                        .addCustomConverter(new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        AuthorizedClientServiceOAuth2AuthorizedClientManager manager =
                new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, authorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials(grant -> grant.accessTokenResponseClient(tokenClient))
                .build());
        return manager;
    }
}
