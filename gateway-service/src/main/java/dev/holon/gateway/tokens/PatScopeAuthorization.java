package dev.holon.gateway.tokens;

import dev.holon.contracts.tenant.TokenExchange;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * Authenticated, and — for a JWT minted for a personal access token (issuer {@code holon-auth}) — allowed by its
 * scopes ({@link PatScopes}). A refusal carries {@link MissingScope}, so the 403 problem can say what is missing.
 * Keycloak tokens are not limited here: their roles are checked by the services.
 */
public final class PatScopeAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    /** A 403 for want of a scope; {@code detail} names it. */
    public static final class MissingScope extends AuthorizationDecision {
        private final String detail;

        MissingScope(String detail) {
            super(false);
            this.detail = detail;
        }

        public String detail() {
            return detail;
        }
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        return authentication
                .filter(Authentication::isAuthenticated)
                .map(who -> decide(who, context))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    private static AuthorizationResult decide(Authentication who, AuthorizationContext context) {
        if (!(who instanceof JwtAuthenticationToken jwt) || !isPatJwt(jwt)) {
            return new AuthorizationDecision(true);
        }
        var request = context.getExchange().getRequest();
        PatScopes.Decision decision = PatScopes.decide(request.getMethod().name(),
                request.getPath().pathWithinApplication().value(),
                PatScopes.parse(jwt.getToken().getClaimAsString("scope")));
        return decision.allowed() ? new AuthorizationDecision(true) : new MissingScope(decision.detail());
    }

    static boolean isPatJwt(JwtAuthenticationToken jwt) {
        return TokenExchange.ISSUER.equals(jwt.getToken().getClaimAsString("iss"));
    }
}
