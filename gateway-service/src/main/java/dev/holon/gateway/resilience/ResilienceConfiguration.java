package dev.holon.gateway.resilience;

import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.problem.ProblemWriter;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
class ResilienceConfiguration {

    @Bean
    DownstreamGuards downstreamGuards(GatewayProperties properties,
                                      ObjectProvider<CircuitBreakerRegistry> circuitBreakers,
                                      ObjectProvider<TimeLimiterRegistry> timeLimiters,
                                      ProblemWriter problems, MeterRegistry meters,
                                      ObjectProvider<Clock> clock) {
        CircuitBreakerRegistry breakers = circuitBreakers.getIfAvailable(() -> {
            CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
            return registry;
        });
        TimeLimiterRegistry limiters = timeLimiters.getIfAvailable(() -> {
            TimeLimiterRegistry registry = TimeLimiterRegistry.ofDefaults();
            TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(registry).bindTo(meters);
            return registry;
        });
        return new DownstreamGuards(properties, breakers, limiters, problems, clock.getIfAvailable(Clock::systemUTC));
    }
}
