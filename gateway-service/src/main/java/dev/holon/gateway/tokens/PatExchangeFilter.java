package dev.holon.gateway.tokens;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import dev.holon.support.security.Caller;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Turns a personal access token into the JWT the services trust, before the gateway authenticates the request: a
 * bearer starting with {@value TokenExchange#PAT_PREFIX} is exchanged ({@link PatExchanges}) and the request goes
 * on with {@code Authorization: Bearer <minted JWT>} — the PAT itself never goes further. The JWT is then checked
 * like any token (signature, issuer {@code holon-auth}, audience, lifetime) and its scopes by {@link PatScopeAuthorization}.
 *
 * <p>A PAT acts in the tenant it was issued in: the request's {@code X-Holon-Tenant} is set to it, and a request
 * naming another tenant is a 403. A revoked, expired or unknown PAT is a 401 (as any bad token); auth-service not
 * answering is a 503 with {@code Retry-After}.
 */
public final class PatExchangeFilter implements WebFilter {

    /** The exchange's answer for this request, for audit (actor, token id); never holds the PAT. */
    public static final String GRANT_ATTRIBUTE = PatExchangeFilter.class.getName() + ".grant";

    private static final String BEARER = "Bearer ";

    private final PatExchanges exchanges;
    private final ServerAuthenticationEntryPoint unauthorized;
    private final ProblemWriter problems;
    private final Duration retryAfter;

    public PatExchangeFilter(PatExchanges exchanges, ServerAuthenticationEntryPoint unauthorized,
                             ProblemWriter problems, Duration retryAfter) {
        this.exchanges = exchanges;
        this.unauthorized = unauthorized;
        this.problems = problems;
        this.retryAfter = retryAfter;
    }

    /** The PAT in an {@code Authorization} header value, or null when it holds none. */
    public static String patOf(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.startsWith(TokenExchange.PAT_PREFIX) ? token : null;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String pat = patOf(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        if (pat == null) {
            return chain.filter(exchange);
        }
        return exchanges.exchange(pat)
                .flatMap(answer -> answer.active() && answer.accessToken() != null
                        ? proceed(exchange, chain, answer)
                        : unauthorized.commence(exchange, new InvalidBearerTokenException(
                                "the personal access token is revoked, expired or unknown")))
                .onErrorResume(PatExchangeClient.Unavailable.class, e -> problems.write(exchange,
                        new Problem(ProblemType.UNAVAILABLE, "Personal access tokens cannot be checked right now "
                                + "(auth-service is not answering); retry shortly",
                                Math.max(1, retryAfter.toSeconds()))));
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, TokenExchange.Response answer) {
        String named = exchange.getRequest().getHeaders().getFirst(Caller.TENANT_HEADER);
        String tenant = answer.tenant();
        exchange.getAttributes().put(GRANT_ATTRIBUTE, new PatGrant(answer.tokenId(), answer.username(), tenant));
        if (tenant != null && named != null && !named.isBlank() && !named.strip().equals(tenant)) {
            return problems.write(exchange, Problem.of(ProblemType.FORBIDDEN, "this personal access token was "
                    + "issued for tenant '" + tenant + "' and acts only there (" + Caller.TENANT_HEADER + ")"));
        }
        ServerWebExchange minted = exchange.mutate().request(request -> request.headers(headers -> {
            headers.setBearerAuth(answer.accessToken());
            if (tenant != null) {
                headers.set(Caller.TENANT_HEADER, tenant);
            }
        })).build();
        return chain.filter(minted);
    }

    /** What audit may know of the PAT behind a request: its id, owner and tenant (never the token). */
    public record PatGrant(String tokenId, String username, String tenant) {
    }
}
