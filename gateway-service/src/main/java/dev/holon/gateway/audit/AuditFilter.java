package dev.holon.gateway.audit;

import dev.holon.contracts.audit.AuditFact;
import dev.holon.gateway.tokens.PatExchangeFilter;
import dev.holon.gateway.tokens.PatScopeAuthorization;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.security.Caller;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * Turns requests into audit facts ({@link AuditRules}): runs around everything else, including security, and
 * records once the answer's status is known (just before the response is committed), off the request's path
 * ({@link AuditPublisher#offer} never blocks). Who acted comes from {@link #identityCapture()}, a filter inside the
 * security chain that sees the authenticated caller; a request refused before that (no token, a bad one, an
 * inactive personal access token) is by "anonymous". Neither tokens nor bodies are ever recorded: the target is
 * the path without its query.
 */
public final class AuditFilter implements WebFilter, Ordered {

    /** Before Spring Security's chain (-100), so refusals by security are seen too. */
    public static final int ORDER = -200;
    static final String ANONYMOUS = "anonymous";
    private static final String WHO_ATTRIBUTE = AuditFilter.class.getName() + ".who";
    private static final int MAX_TARGET = 1024;

    private final AuditPublisher publisher;
    private final Clock clock;

    public AuditFilter(AuditPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest original = exchange.getRequest();
        exchange.getResponse().beforeCommit(() -> {
            record(exchange, original);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    /**
     * For the security chain, after authentication: keeps the authenticated caller in the exchange for the audit
     * (the security context lives only inside the chain's Reactor context).
     */
    public static WebFilter identityCapture() {
        return (exchange, chain) -> ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .doOnNext(who -> exchange.getAttributes().put(WHO_ATTRIBUTE, new Identity(who,
                        exchange.getRequest().getHeaders().getFirst(Caller.TENANT_HEADER))))
                .then(chain.filter(exchange));
    }

    /** The authenticated caller and the tenant header as the security chain saw them (a PAT's carries its tenant). */
    private record Identity(Authentication authentication, String namedTenant) {
    }

    private void record(ServerWebExchange exchange, ServerHttpRequest original) {
        try {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            int code = status == null ? 200 : status.value();
            boolean routed = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR) != null;
            AuditRules.of(original.getMethod().name(), routed, code).ifPresent(verdict ->
                    publisher.offer(fact(exchange, original, verdict, code)));
        } catch (RuntimeException e) {
            // An audit fact is never worth a failed request.
        }
    }

    private AuditFact fact(ServerWebExchange exchange, ServerHttpRequest original, AuditRules.Verdict verdict,
                           int status) {
        Identity identity = exchange.getAttribute(WHO_ATTRIBUTE);
        Authentication who = identity == null ? null : identity.authentication();
        PatExchangeFilter.PatGrant grant = exchange.getAttribute(PatExchangeFilter.GRANT_ATTRIBUTE);
        String actor = ANONYMOUS;
        String tenant = null;
        if (who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken)) {
            Caller caller;
            try {
                caller = Caller.of(who, identity.namedTenant());
            } catch (ProblemException notTheirs) {
                caller = Caller.of(who, null);
            }
            actor = caller.username();
            tenant = caller.tenantIfKnown().orElse(null);
        } else if (grant != null) {
            // A valid PAT refused before authentication (it named another tenant): auth-service said whose it is.
            actor = grant.username() == null ? ANONYMOUS : grant.username();
            tenant = grant.tenant();
        }
        return new AuditFact(actor, tenant, verdict.action(), target(original), verdict.outcome(), status,
                detail(exchange, original, verdict, grant), sourceIp(original), clock.instant());
    }

    private static String detail(ServerWebExchange exchange, ServerHttpRequest original, AuditRules.Verdict verdict,
                                 PatExchangeFilter.PatGrant grant) {
        String via = grant != null && grant.tokenId() != null ? "personal access token " + grant.tokenId() : null;
        String why = switch (verdict.action()) {
            case AuditRules.TOKEN_REJECTED -> original.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
                    ? (PatExchangeFilter.patOf(original.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)) != null
                            ? "personal access token revoked, expired or unknown" : "token rejected")
                    : "no token";
            case AuditRules.FORBIDDEN -> exchange.getAttribute(PatScopeAuthorization.MISSING_SCOPE_ATTRIBUTE);
            default -> null;
        };
        if (why == null) {
            return via;
        }
        return via == null ? why : why + " (" + via + ")";
    }

    private static String target(ServerHttpRequest request) {
        String path = request.getPath().value();
        return path.length() <= MAX_TARGET ? path : path.substring(0, MAX_TARGET);
    }

    private static String sourceIp(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }
}
