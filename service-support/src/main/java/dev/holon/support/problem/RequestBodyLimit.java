package dev.holon.support.problem;

import dev.holon.contracts.problem.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;

/**
 * Refuses request bodies above {@code holon.http.max-request-size} with 413 before anything reads them, so
 * one oversized request cannot exhaust a service's memory. Streaming uploads configure their own limit.
 */
public class RequestBodyLimit extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();

    private final DataSize limit;
    private final Problems problems;

    public RequestBodyLimit(DataSize limit, Problems problems) {
        this.limit = limit;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > limit.toBytes()) {
            ProblemDetail problem = problems.of(ProblemType.PAYLOAD_TOO_LARGE,
                    "the request body has " + length + " bytes; at most " + limit.toBytes() + " are accepted here",
                    request.getRequestURI());
            response.setStatus(problem.getStatus());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            JSON.writeValue(response.getOutputStream(), problem);
            return;
        }
        chain.doFilter(request, response);
    }
}
