package dev.holon.support.problem;

import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** What a caller gets for an error that never reached a controller (forwarded to the error path by the container). */
class ProblemErrorControllerTest {

    private final ProblemErrorController controller = new ProblemErrorController(new Problems(null));

    private static MockHttpServletRequest forwarded(int status, String message, Throwable error) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/error");
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.setAttribute(RequestDispatcher.ERROR_REQUEST_URI, "/api/v1/files/default/a.bin");
        request.setAttribute(RequestDispatcher.ERROR_MESSAGE, message);
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, error);
        return request;
    }

    @Test
    void aFilterFailureIsAProblemThatHidesTheException() {
        ResponseEntity<ProblemDetail> answer = controller.error(
                forwarded(500, "Could not decode HTTP form payload", new IllegalArgumentException("URLDecoder: %ff")));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        ProblemDetail problem = answer.getBody();
        assertThat(problem.getType()).hasToString("/problems/internal");
        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getDetail()).isEqualTo("an unexpected error occurred; it has been logged");
        assertThat(problem.getInstance()).hasToString("/api/v1/files/default/a.bin");
    }

    @Test
    void anErrorTheContainerSentKeepsItsStatusAndMessage() {
        ResponseEntity<ProblemDetail> answer = controller.error(forwarded(400, "Invalid character in header", null));

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().getStatus()).isEqualTo(400);
        assertThat(answer.getBody().getDetail()).isEqualTo("Invalid character in header");
    }

    @Test
    void aRequestToTheErrorPathItselfIsA500WithoutDetails() {
        ResponseEntity<ProblemDetail> answer = controller.error(new MockHttpServletRequest("GET", "/error"));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getBody().getInstance()).isNull();
    }
}
