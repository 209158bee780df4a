package dev.holon.gateway.tokens;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.holon.gateway.resilience.DownstreamGuards;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The PAT exchange's parts. The filter itself is built by the security configuration, which puts it into its
 * chain just before authentication (as a bean of its own, WebFlux would also run it outside that chain).
 */
@Configuration(proxyBeanMethods = false)
class TokensConfiguration {

    /** The circuit breaker's and time limiter's name (metrics: {@code resilience4j_circuitbreaker_*{name=...}}). */
    static final String CIRCUIT = "auth-service-token-exchange";

    @Bean
    PatExchanges patExchanges(TokenExchangeProperties properties, DownstreamGuards guards) {
        PatExchangeClient client = new PatExchangeClient(properties, WebClient.builder(), guards.circuitBreaker(CIRCUIT),
                guards.timeLimiter(CIRCUIT, properties.timeout()));
        client.warmUp();
        return new PatExchanges(client::exchange, properties, Ticker.systemTicker());
    }
}
