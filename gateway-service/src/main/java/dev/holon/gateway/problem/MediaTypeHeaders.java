package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose {@code Accept} or {@code Content-Type} is no media type with a 400 problem before anything
 * else reads them: Spring parses them in many places (security, routing, codecs), and some malformed values make its
 * parser fail with errors that are not {@code InvalidMediaTypeException} (an index out of bounds), which would
 * otherwise surface as a 500.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MediaTypeHeaders implements WebFilter {

    private final ProblemWriter problems;

    public MediaTypeHeaders(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (String name : new String[] {HttpHeaders.ACCEPT, HttpHeaders.CONTENT_TYPE}) {
            for (String value : headers.getOrEmpty(name)) {
                try {
                    if (name.equals(HttpHeaders.ACCEPT)) {
                        MediaType.parseMediaTypes(value);
                    } else {
                        MediaType.parseMediaType(value);
                    }
                } catch (RuntimeException e) {
                    return problems.write(exchange, Problem.of(ProblemType.VALIDATION, "The " + name + " header is not"
                            + " a valid media type (" + e.getMessage() + "); send type/subtype, e.g. application/json"));
                }
            }
        }
        return chain.filter(exchange);
    }
}
