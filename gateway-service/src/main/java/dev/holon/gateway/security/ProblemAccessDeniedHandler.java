package dev.holon.gateway.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import dev.holon.gateway.tokens.PatScopeAuthorization;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers an authenticated caller without the needed role, or a personal access token without the needed scope
 * (the detail names it), with {@code 403 /problems/forbidden}.
 */
@Component
class ProblemAccessDeniedHandler implements ServerAccessDeniedHandler {

    private final ProblemWriter problems;

    ProblemAccessDeniedHandler(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"holon\", error=\"insufficient_scope\"");
        String missingScope = exchange.getAttribute(PatScopeAuthorization.MISSING_SCOPE_ATTRIBUTE);
        if (missingScope != null) {
            return problems.write(exchange, Problem.of(ProblemType.FORBIDDEN, missingScope), headers);
        }
        return problems.write(exchange, Problem.of(ProblemType.FORBIDDEN,
                "Your roles do not allow " + exchange.getRequest().getMethod() + " "
                        + exchange.getRequest().getPath()), headers);
    }
}
