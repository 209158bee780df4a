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
 * Refuses, with a 400 problem and before anything else reads it, a request that no service could parse: an
 * {@code Accept} or {@code Content-Type} that is no media type (Spring parses them in many places, and some malformed
 * values make its parser fail with an index error: a 500), or a path or query whose percent-encoding is broken or
 * not UTF-8 (the services' Tomcat would answer those with an HTML page instead of a problem).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MalformedRequests implements WebFilter {

    private final ProblemWriter problems;

    public MalformedRequests(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        java.net.URI uri = exchange.getRequest().getURI();
        for (String part : new String[] {uri.getRawPath(), uri.getRawQuery()}) {
            if (part != null && !wellEncoded(part)) {
                return problems.write(exchange, Problem.of(ProblemType.VALIDATION, "The request's path or query has"
                        + " a broken percent-encoding or bytes that are not UTF-8; encode text as UTF-8, then %XX"));
            }
        }
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

    /** Every {@code %} starts two hex digits, and the bytes they stand for are UTF-8. */
    static boolean wellEncoded(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return false;
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
