package dev.holon.gateway.routing;

import dev.holon.gateway.GatewayProperties;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.gateway.ratelimit.RateLimitFilter;
import dev.holon.gateway.ratelimit.RequestRateLimiter;
import dev.holon.gateway.resilience.DownstreamGuard;
import dev.holon.gateway.resilience.DownstreamGuards;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

import java.time.Duration;
import java.util.List;

/**
 * Builds the gateway's routes from the {@link RouteTable}: per service, its API paths and its proxied OpenAPI
 * document, each behind the caller's rate limit and the service's circuit breaker. Headers, including
 * {@code Authorization}, are passed on unchanged: the services check the same token (token relay). A service
 * with several replicas gets each request on one of them, and on the next when one refuses the connection.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutes {

    /** How long a replica that refused a connection is tried last (a restart takes longer than this). */
    static final Duration REFUSING_INSTANCE_QUARANTINE = Duration.ofSeconds(5);

    @Bean
    List<ServiceRoute> serviceRoutes(GatewayProperties properties) {
        return RouteTable.of(properties);
    }

    @Bean
    RequestRateLimiter requestRateLimiter(GatewayProperties properties) {
        return new RequestRateLimiter(properties, System::nanoTime);
    }

    @Bean
    ForwardedHeaders forwardedHeaders() {
        return new ForwardedHeaders();
    }

    @Bean
    RouteLocator holonRoutes(RouteLocatorBuilder builder, List<ServiceRoute> serviceRoutes,
                             DownstreamGuards guards, RequestRateLimiter limiter, ProblemWriter problems,
                             MeterRegistry meters) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        for (ServiceRoute service : serviceRoutes) {
            DownstreamGuard guard = guards.forService(service);
            InstanceFailover failover = new InstanceFailover(service.service(),
                    new Instances(service.instances(), REFUSING_INSTANCE_QUARANTINE, System::nanoTime));
            routes.route(service.routeId(), route -> route
                    .path(service.paths().toArray(String[]::new))
                    .filters(f -> f.filters(new RateLimitFilter(service.routeId(), limiter, problems, meters), guard,
                            failover))
                    .uri(service.uri()));
            routes.route(service.docsRouteId(), route -> route
                    .method(HttpMethod.GET).and().path(service.docsPath())
                    .filters(f -> f
                            .setPath(service.downstreamDocsPath())
                            .filters(new RateLimitFilter(service.docsRouteId(), limiter, problems, meters), guard,
                                    failover))
                    .uri(service.uri()));
        }
        return routes.build();
    }
}
