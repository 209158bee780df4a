package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns every error that reaches the web layer (no route, wrong method, bad input, a bug) into problem+json.
 * Runs before Spring Boot's own error handler, so no error page or stack trace ever leaves the gateway.
 */
@Component
@Order(-2)
public class GatewayExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayExceptionHandler.class);

    private final ProblemWriter writer;

    public GatewayExceptionHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        String method = exchange.getRequest().getMethod().name();
        String path = exchange.getRequest().getPath().value();
        if (ex instanceof ProblemException problem) {
            // Raised by code shared with the services (service-support's Caller): its detail is meant for the caller.
            return writer.write(exchange, Problem.of(problem.type(), problem.getMessage()));
        }
        if (ex instanceof MethodNotAllowedException notAllowed) {
            Set<HttpMethod> allowed = notAllowed.getSupportedMethods();
            String allowedList = allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.ALLOW, allowedList);
            return writer.write(exchange, Problem.of(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not supported on " + path + "; allowed: " + allowedList), headers);
        }
        if (ex instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
            int status = error.getStatusCode().value();
            ProblemType type = ProblemType.forStatus(status);
            if (type.status() != status) {
                // A 4xx without a Holon kind of its own (e.g. 414): answer it as the nearest kind, a 400.
                type = ProblemType.VALIDATION;
            }
            return writer.write(exchange, Problem.of(type, clientDetail(type, method, path, ex)),
                    error.getHeaders());
        }
        if (ex instanceof InvalidMediaTypeException invalid) {
            // a header such as Accept or Content-Type that is no media type: the client's mistake
            return writer.write(exchange, Problem.of(ProblemType.VALIDATION, "A media type in the request's headers is"
                    + " not valid (" + invalid.getMessage() + "); send type/subtype, e.g. application/json"));
        }
        if (ex instanceof ResponseStatusException rse && rse.getStatusCode().value() == 503) {
            return writer.write(exchange, new Problem(ProblemType.UNAVAILABLE,
                    "A service behind the gateway is not answering; retry shortly", 2));
        }
        // the trace id by hand: Reactor does not put it into the log context on Netty's threads (application.yml)
        log.error("Unexpected error answering {} {} (traceId {})", method, path, TraceIds.of(exchange), ex);
        return writer.write(exchange, Problem.of(ProblemType.INTERNAL,
                "The gateway failed unexpectedly; quote the traceId when reporting it"));
    }

    private static String clientDetail(ProblemType type, String method, String path, Throwable ex) {
        return switch (type) {
            case NOT_FOUND -> "Nothing is served at " + method + " " + path;
            case NOT_ACCEPTABLE -> "None of the accepted media types can be produced for " + path;
            case UNSUPPORTED_MEDIA_TYPE -> "The request's media type is not supported on " + path;
            case PAYLOAD_TOO_LARGE -> "The request body is too large";
            default -> ex instanceof ResponseStatusException rse && rse.getReason() != null
                    ? rse.getReason() : type.title();
        };
    }
}
