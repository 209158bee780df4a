package dev.holon.gateway.tokens;

import dev.holon.contracts.tenant.TokenExchange;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.util.concurrent.TimeoutException;

/**
 * Asks auth-service what a personal access token stands for: {@code POST /api/v1/tokens/exchange} as the
 * gateway's service client (a client-credentials token from Keycloak, cached and renewed by Spring Security's
 * {@link AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager}),
 * behind a Resilience4j circuit breaker and time limiter like every other downstream call. Any failure (no answer,
 * an error status, an open circuit) is an {@link Unavailable}: the gateway then answers 503, never 401, since the
 * token may well be good. The token is sent in the body only, and no log line of this class ever holds it.
 */
public final class PatExchangeClient {

    private static final Logger log = LoggerFactory.getLogger(PatExchangeClient.class);
    private static final String REGISTRATION = "holon-gateway-service";
    /** Whom the service token is for (the gateway itself, not the request's caller). */
    private static final String PRINCIPAL = "gateway-service";
    /** auth-service may add fields to its answer; the gateway reads those it knows. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** auth-service could not say: the request is answered 503. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final WebClient http;
    private final ReactiveOAuth2AuthorizedClientManager serviceTokens;
    private final CircuitBreaker circuitBreaker;
    private final TimeLimiter timeLimiter;

    public PatExchangeClient(TokenExchangeProperties properties, WebClient.Builder builder,
                             CircuitBreaker circuitBreaker, TimeLimiter timeLimiter) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(properties.clientId())
                .clientSecret(properties.clientSecret())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(properties.tokenUri().toString())
                .build();
        var registrations = new InMemoryReactiveClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
                new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials().build());
        this.serviceTokens = manager;
        this.http = builder.baseUrl(properties.exchangeEndpoint()).build();
        this.circuitBreaker = circuitBreaker;
        this.timeLimiter = timeLimiter;
    }

    /**
     * The gateway's service token, cached and renewed by Spring Security. Fetching it is not cancelled with the
     * request that needed it: a slow identity provider (one just started) still ends up with a token for the
     * next request, instead of every request timing out on its own fetch.
     */
    Mono<String> serviceToken() {
        OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION)
                .principal(PRINCIPAL).build();
        return Mono.fromFuture(() -> serviceTokens.authorize(request).toFuture(), true)
                .map(client -> client.getAccessToken().getTokenValue());
    }

    /** Fetches the service token ahead of the first PAT (best effort: a failure is retried on first use). */
    public void warmUp() {
        serviceToken().subscribe(token -> log.debug("Service token for the PAT exchange ready"),
                error -> log.info("No service token for the PAT exchange yet ({}); fetched on first use",
                        error.getClass().getSimpleName()));
    }

    /** The exchange's answer; fails with {@link Unavailable} when auth-service gives none. */
    public Mono<TokenExchange.Response> exchange(String pat) {
        return serviceToken()
                .flatMap(serviceToken -> http.post()
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .headers(headers -> headers.setBearerAuth(serviceToken))
                        .bodyValue(new TokenExchange.Request(pat))
                        .retrieve()
                        .bodyToMono(String.class))
                .map(body -> JSON.readValue(body, TokenExchange.Response.class))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("an empty answer")))
                .transformDeferred(TimeLimiterOperator.of(timeLimiter))
                .transformDeferred(CircuitBreakerOperator.of(circuitBreaker))
                .onErrorMap(error -> !(error instanceof Unavailable), PatExchangeClient::unavailable);
    }

    private static Unavailable unavailable(Throwable error) {
        String why = switch (error) {
            case CallNotPermittedException open -> "its circuit is open";
            case WebClientResponseException status -> "it answered " + status.getStatusCode().value();
            case WebClientRequestException connection -> connection.getMessage();
            case TimeoutException timeout -> "no answer in time";
            // Only the kind: another error's message could quote the body (which holds a token).
            default -> error.getClass().getSimpleName();
        };
        log.warn("auth-service could not exchange a personal access token: {}", why);
        return new Unavailable("auth-service could not exchange the token: " + why, error);
    }
}
