package dev.holon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** holon jobs logs -f: waits for the start, resumes a broken stream with Last-Event-ID, stops at the end. */
class FollowLogsCliTest extends InProcessCliTest {

    @BeforeEach
    void logIn() {
        cli.loggedInAs("demo", "user");
    }

    @Test
    void followWaitsForTheTaskResumesAfterABreakAndEndsWithTheTask() {
        AtomicInteger jobReads = new AtomicInteger();
        AtomicInteger logCalls = new AtomicInteger();
        List<String> lastEventIds = new ArrayList<>();
        cli.on("/api/v1/jobs/j1", (exchange, request) -> {
            if (request.uri().contains("/logs")) {
                int call = logCalls.incrementAndGet();
                lastEventIds.add(String.valueOf(request.header("Last-Event-ID")));
                assertThat(request.uri()).contains("follow=true", "attempt=a1");
                if (call == 1) {
                    TestCli.json(exchange, 409, "{\"status\":409,\"detail\":\"task 0 has not started yet\"}");
                } else if (call == 2) { // two lines, then the connection breaks without an end event
                    TestCli.send(exchange, 200, "text/event-stream", "id:6\ndata:first\n\n:keepalive\n\nid:13\ndata:second\n\n");
                } else {
                    TestCli.send(exchange, 200, "text/event-stream", "id:19\ndata:third\n\nevent:end\nid:19\ndata:end\n\n");
                }
                return;
            }
            int read = jobReads.incrementAndGet();
            String state = logCalls.get() >= 3 ? "SUCCEEDED" : read == 1 ? "SCHEDULED" : "RUNNING";
            String started = state.equals("SCHEDULED") ? "null" : "\"2026-01-01T00:00:00Z\"";
            TestCli.json(exchange, 200, "{\"id\":\"j1\",\"count\":1,\"state\":\"" + state + "\",\"tasks\":[{\"index\":0,"
                    + "\"state\":\"" + state + "\",\"attempt\":1,\"attemptId\":\"a1\",\"startedAt\":" + started + "}]}");
        });
        TestCli.Result result = cli.run("jobs", "logs", "-f", "j1");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("first\nsecond\nthird\n");
        assertThat(lastEventIds).containsExactly("null", "null", "13");
    }
}
