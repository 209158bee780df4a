package dev.holon.cli.http;

import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemsTest {

    @Test
    void statusesMapToDocumentedExitCodes() {
        assertThat(Problems.exitCode(401)).isEqualTo(ExitCodes.AUTH);
        assertThat(Problems.exitCode(403)).isEqualTo(ExitCodes.AUTH);
        assertThat(Problems.exitCode(404)).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(Problems.exitCode(409)).isEqualTo(ExitCodes.CONFLICT);
        assertThat(Problems.exitCode(412)).isEqualTo(ExitCodes.CONFLICT);
        assertThat(Problems.exitCode(428)).isEqualTo(ExitCodes.CONFLICT);
        assertThat(Problems.exitCode(503)).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(Problems.exitCode(400)).isEqualTo(ExitCodes.FAILED);
        assertThat(Problems.exitCode(500)).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void aProblemBecomesOneLineWithWhatToDo() {
        CliException unauthorized = Problems.toException(401, "", "the nodes");
        assertThat(unauthorized.getMessage()).isEqualTo("not logged in or the session expired: run holon login");
        CliException invalid = Problems.toException(400, """
                {"type":"/problems/validation","title":"Request is not valid","status":400,
                 "detail":"resources.cpuMillis must be greater than 0",
                 "errors":[{"field":"resources.cpuMillis","message":"must be greater than 0"}]}""", "the job");
        assertThat(invalid.getMessage()).isEqualTo("invalid: resources.cpuMillis must be greater than 0");
        assertThat(Problems.toException(400, "{\"detail\":\"Request is not valid\",\"errors\":[{\"field\":\"count\","
                + "\"message\":\"must be at least 1\"}]}", "the job").getMessage())
                .isEqualTo("invalid: Request is not valid (count must be at least 1)");
        assertThat(Problems.toException(503, "{\"detail\":\"node n1 is DOWN\"}", "x").getMessage())
                .startsWith("unavailable: node n1 is DOWN").contains("try again");
        assertThat(Problems.toException(502, "<html>bad gateway</html>", "the jobs").getMessage())
                .startsWith("unavailable: the jobs (HTTP 502)");
        assertThat(Problems.toException(500, "{\"detail\":\"boom\",\"traceId\":\"t1\"}", "x").getMessage())
                .contains("boom", "trace t1");
    }
}
