package dev.holon.gateway.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a request the security firewall refuses (a {@code ..} segment, an encoded slash or other path that could
 * escape its namespace) with {@code 400 /problems/validation}, not the firewall's bare 400.
 */
@Component
class ProblemExchangeRejectedHandler implements ServerExchangeRejectedHandler {

    private final ProblemWriter problems;

    ProblemExchangeRejectedHandler(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        return problems.write(exchange, Problem.of(ProblemType.VALIDATION,
                "The path " + exchange.getRequest().getPath() + " is not allowed: it must not hold '.' or '..' "
                        + "segments, encoded slashes or control characters"), null);
    }
}
