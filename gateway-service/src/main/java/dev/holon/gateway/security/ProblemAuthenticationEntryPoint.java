package dev.holon.gateway.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.gateway.problem.Problem;
import dev.holon.gateway.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Answers a missing, malformed, expired or tampered token with {@code 401 /problems/unauthorized} and an
 * RFC 6750 {@code WWW-Authenticate: Bearer} challenge (with {@code error="invalid_token"} when a token was
 * sent but rejected).
 */
@Component
class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

    private final ProblemWriter problems;

    ProblemAuthenticationEntryPoint(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, challenge(ex));
        return problems.write(exchange, Problem.of(ProblemType.UNAUTHORIZED, detail(ex)), headers);
    }

    static String challenge(AuthenticationException ex) {
        if (ex instanceof OAuth2AuthenticationException oauth) {
            OAuth2Error error = oauth.getError();
            String code = error.getErrorCode() != null ? error.getErrorCode() : BearerTokenErrorCodes.INVALID_TOKEN;
            return "Bearer realm=\"holon\", error=\"" + quoteSafe(code) + "\", error_description=\""
                    + quoteSafe(description(error)) + "\"";
        }
        return "Bearer realm=\"holon\"";
    }

    static String detail(AuthenticationException ex) {
        if (ex instanceof OAuth2AuthenticationException oauth) {
            return "The access token was rejected: " + description(oauth.getError());
        }
        return "This request needs a bearer access token (Authorization: Bearer <token>)";
    }

    private static String description(OAuth2Error error) {
        return error.getDescription() != null ? error.getDescription() : "the token is invalid";
    }

    private static String quoteSafe(String value) {
        return value.replace('"', '\'').replace('\\', '/').replaceAll("[\\r\\n]", " ");
    }
}
