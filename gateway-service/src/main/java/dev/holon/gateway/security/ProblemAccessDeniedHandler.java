package dev.holon.gateway.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Answers an authenticated caller without the needed role with {@code 403 /problems/forbidden}. */
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
        return problems.write(exchange, Problem.of(ProblemType.FORBIDDEN,
                "Your roles do not allow " + exchange.getRequest().getMethod() + " "
                        + exchange.getRequest().getPath()), headers);
    }
}
