package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void writesTheRfc9457MembersInOrder() {
        Problem problem = new Problem(ProblemType.UNAVAILABLE, "registry-service is not answering; retry shortly", 3);

        Map<String, Object> body = problem.body("/api/v1/nodes", "abc123");

        assertThat(body.keySet()).containsExactly("type", "title", "status", "detail", "instance", "traceId");
        assertThat(body).containsEntry("type", "/problems/unavailable").containsEntry("status", 503)
                .containsEntry("title", "Service unavailable");
    }

    @Test
    void leavesOutATraceIdItDoesNotHave() {
        assertThat(Problem.of(ProblemType.NOT_FOUND, "x").body("/x", null)).doesNotContainKey("traceId");
    }
}
