package dev.holon.support.problem;

import dev.holon.contracts.problem.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns every error a servlet service raises into {@code application/problem+json} with a Holon problem type.
 * Spring MVC's own errors (405, 415, unknown route, unreadable body) arrive through the superclass; ours
 * through {@link ProblemException}. Anything unexpected is a 500 without internals, logged with its trace.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final Problems problems;

    public ProblemAdvice(Problems problems) {
        this.problems = problems;
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> handleProblem(ProblemException e, HttpServletRequest request) {
        return respond(problems.of(e.type(), e.getMessage(), request.getRequestURI()));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> handleConstraintViolation(ConstraintViolationException e, HttpServletRequest request) {
        List<Map<String, String>> errors = e.getConstraintViolations().stream()
                .map(v -> fieldError(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return respond(validation(errors, request.getRequestURI()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> handleTypeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String message = "has an invalid value '" + e.getValue() + "'";
        return respond(validation(List.of(fieldError(e.getName(), message)), request.getRequestURI()));
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> handleAccessDenied(RuntimeException e, HttpServletRequest request) {
        return respond(problems.of(ProblemType.FORBIDDEN, "your role does not allow this action", request.getRequestURI()));
    }

    /** Two writers raced on one resource (optimistic locking): the caller should read it again and retry. */
    @ExceptionHandler(ConcurrencyFailureException.class)
    ResponseEntity<ProblemDetail> handleConcurrentChange(ConcurrencyFailureException e, HttpServletRequest request) {
        return respond(problems.of(ProblemType.CONFLICT,
                "the resource changed while this request was changing it; read it again and retry", request.getRequestURI()));
    }

    /** A database restarting or out of reach is a 503 with a one-line warning, not a stack trace per request. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> handleUnexpected(Exception e, HttpServletRequest request) {
        if (DatabaseOutage.isCauseOf(e)) {
            log.warn("{} {} answered 503: the database cannot be reached ({})", request.getMethod(),
                    request.getRequestURI(), DatabaseOutage.summary(e));
            return DatabaseOutage.answer(problems, request.getRequestURI());
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(problems.of(ProblemType.INTERNAL, Problems.UNEXPECTED, request.getRequestURI()));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(f -> fieldError(f.getField(), messageOf(f)))
                .toList();
        return new ResponseEntity<>(validation(errors, path(request)), headers, status);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> fieldError(result.getMethodParameter().getParameterName(), error.getDefaultMessage())))
                .toList();
        return new ResponseEntity<>(validation(errors, path(request)), headers, HttpStatusCode.valueOf(400));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String detail = unreadableBodyDetail(e);
        return new ResponseEntity<>(problems.of(ProblemType.VALIDATION, detail, path(request)), headers, status);
    }

    /** Every other framework-made problem: keep its status and detail, give it our type and trace id. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail p ? p : ProblemDetail.forStatus(status);
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problems.decorate(problem, ProblemType.forStatus(status.value()), null, path(request));
        }
        return new ResponseEntity<>(problem, headers, status);
    }

    private ProblemDetail validation(List<Map<String, String>> errors, String path) {
        String detail = errors.stream()
                .map(e -> e.get("field") + " " + e.get("message"))
                .collect(Collectors.joining("; "));
        ProblemDetail problem = problems.of(ProblemType.VALIDATION, detail, path);
        problem.setProperty("errors", errors);
        return problem;
    }

    /** Jackson's messages name Java classes; say instead which field is wrong and why. */
    static String unreadableBodyDetail(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + pathOf(unknown) + "'";
        }
        if (cause instanceof DatabindException bind && !bind.getPath().isEmpty()) {
            return "field '" + pathOf(bind) + "' has a value of the wrong type or format";
        }
        if (cause instanceof JacksonException) {
            return "the request body is not valid JSON";
        }
        return "the request body is missing or cannot be read";
    }

    private static String pathOf(DatabindException e) {
        return e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field == null ? "" : field, "message", message == null ? "is not valid" : message);
    }

    private static String messageOf(FieldError error) {
        return error.getDefaultMessage() == null ? "is not valid" : error.getDefaultMessage();
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.indexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }
}
