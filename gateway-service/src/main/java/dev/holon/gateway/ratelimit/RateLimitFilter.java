package dev.holon.gateway.ratelimit;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.gateway.resilience.RetryAfter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.security.Principal;

/**
 * Spends one token of the caller's allowance per routed request; over the limit the caller gets
 * {@code 429 /problems/rate-limited} with {@code Retry-After}, and the downstream never sees the request.
 */
public final class RateLimitFilter implements GatewayFilter, Ordered {

    /** Before the circuit breaker: a rejected request must not take one of its permits. */
    public static final int ORDER = -100;

    private final RequestRateLimiter limiter;
    private final ProblemWriter problems;
    private final Counter rejected;

    public RateLimitFilter(String routeId, RequestRateLimiter limiter, ProblemWriter problems, MeterRegistry meters) {
        this.limiter = limiter;
        this.problems = problems;
        this.rejected = Counter.builder("holon.gateway.rate.limited")
                .description("Requests answered 429 because the caller exceeded their allowance")
                .tag("route", routeId)
                .register(meters);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return exchange.getPrincipal()
                .map(RateLimitFilter::subject)
                .defaultIfEmpty("")
                .flatMap(subject -> {
                    String key = RateLimitKey.of(subject, clientIp(exchange));
                    long waitNanos = limiter.tryAcquire(key);
                    if (waitNanos == 0) {
                        return chain.filter(exchange);
                    }
                    rejected.increment();
                    return problems.write(exchange, new Problem(ProblemType.RATE_LIMITED,
                            "Too many requests; you may send up to your per-second allowance, retry after the "
                                    + "time given in Retry-After",
                            RetryAfter.secondsFromNanos(waitNanos)));
                });
    }

    static String subject(Principal principal) {
        if (principal instanceof JwtAuthenticationToken jwt && jwt.getToken().getSubject() != null) {
            return jwt.getToken().getSubject();
        }
        return principal.getName();
    }

    private static String clientIp(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
