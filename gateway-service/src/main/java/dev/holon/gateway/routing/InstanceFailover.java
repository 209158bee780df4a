package dev.holon.gateway.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;

/**
 * Sends a request to one of a service's replicas and, when that replica refuses the connection, to the next
 * one. Retrying is safe for every method, POST included: a refused connection means the request never
 * reached the service. Any other failure (a timeout, a connection closed mid-answer) is passed on
 * unchanged, as the request may have been processed. Runs right after the route URL is set, so the
 * downstream guard around it sees only the outcome of the last try.
 */
public final class InstanceFailover implements GatewayFilter, Ordered {

    public static final int ORDER = RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1;
    private static final Logger log = LoggerFactory.getLogger(InstanceFailover.class);

    private final String service;
    private final Instances instances;

    public InstanceFailover(String service, Instances instances) {
        this.service = service;
        this.instances = instances;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        URI requested = exchange.getRequiredAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
        return attempt(exchange, chain, requested, instances.order(), 0);
    }

    private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, URI requested, List<URI> order,
                               int index) {
        URI instance = order.get(index);
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, onInstance(requested, instance));
        return chain.filter(exchange)
                .doOnSuccess(ignored -> instances.answered(instance))
                .onErrorResume(error -> {
                    if (!refusedConnection(error)) {
                        return Mono.error(error);
                    }
                    instances.refused(instance);
                    if (index + 1 >= order.size() || exchange.getResponse().isCommitted()) {
                        return Mono.error(error);
                    }
                    log.info("{} at {} refused the connection: trying {}", service, instance, order.get(index + 1));
                    ServerWebExchangeUtils.reset(exchange);
                    return attempt(exchange, chain, requested, order, index + 1);
                });
    }

    /**
     * The requested URL (path, query) on another instance's scheme, host and port, byte for byte: the client's
     * encoding is passed on as sent (a query such as {@code label=zone=b} is valid and must not be re-checked).
     */
    static URI onInstance(URI requested, URI instance) {
        String query = requested.getRawQuery() == null ? "" : "?" + requested.getRawQuery();
        return URI.create(instance.getScheme() + "://" + instance.getRawAuthority() + requested.getRawPath() + query);
    }

    static boolean refusedConnection(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
