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
 * scopes ({@link PatScopes}). A refusal leaves what is missing in the exchange attribute
 * {@link #MISSING_SCOPE_ATTRIBUTE}, so the 403 problem (and the audit fact) can say it: Spring Security's
 * authorization filter answers every refusal with the same bare exception. Keycloak tokens are not limited here:
 * their roles are checked by the services.
 */
public final class PatScopeAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

    /** Why a personal access token was refused (a String naming the missing scope). */
    public static final String MISSING_SCOPE_ATTRIBUTE = PatScopeAuthorization.class.getName() + ".missingScope";

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
        if (!decision.allowed()) {
            context.getExchange().getAttributes().put(MISSING_SCOPE_ATTRIBUTE, decision.detail());
        }
        return new AuthorizationDecision(decision.allowed());
    }

    static boolean isPatJwt(JwtAuthenticationToken jwt) {
        return TokenExchange.ISSUER.equals(jwt.getToken().getClaimAsString("iss"));
    }
}
