package dev.holon.support.problem;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a caller gets when the database is stopped or restarting under a request: a 503 to retry, not a 500. */
class ProblemAdviceDatabaseOutageTest {

    private final ProblemAdvice advice = new ProblemAdvice(new Problems(null));
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/jobs");

    @Test
    void noConnectionToBeginATransactionIsA503WithRetryAfter() {
        var e = new CannotCreateTransactionException("Could not open JPA EntityManager for transaction",
                new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out"));

        ResponseEntity<ProblemDetail> answer = advice.handleUnexpected(e, request);

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        assertThat(answer.getBody().getType()).hasToString("/problems/unavailable");
        assertThat(answer.getBody().getDetail()).contains("cannot reach its database").contains("retry");
        assertThat(answer.getBody().getInstance()).hasToString("/api/v1/jobs");
    }

    @Test
    void aSessionThePostgresqlShutdownEndedIsA503HoweverItWasWrapped() {
        // Hibernate leaves SQL state 57P01 untranslated, so Spring hands it over as a generic error.
        var e = new TransactionSystemException("Could not commit JPA transaction", new RuntimeException(
                new SQLException("FATAL: terminating connection due to administrator command", "57P01")));

        assertThat(advice.handleUnexpected(e, request).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aBrokenConnectionIsA503() {
        var e = new TransactionSystemException("Could not commit JPA transaction", new RuntimeException(
                new SQLException("An I/O error occurred while sending to the backend.", "08006")));

        assertThat(advice.handleUnexpected(e, request).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aRollbackThatMetTheConnectionThePoolClosedIsA503() {
        // As logged by registry-service and scheduler-service when PostgreSQL stopped under a read.
        var rollback = new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        var hibernate = new RuntimeException("Unable to rollback against JDBC Connection",
                new SQLException("Connection is closed"));

        assertThat(advice.handleUnexpected(rollback, request).getStatusCode().value()).isEqualTo(503);
        assertThat(advice.handleUnexpected(hibernate, request).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aRollbackFailureKeepsTheStatementsOwnErrorAside() {
        var rollback = new TransactionSystemException("JDBC rollback failed", new IllegalStateException("rollback"));
        rollback.initApplicationException(new RuntimeException(
                new SQLException("FATAL: terminating connection due to administrator command", "57P01")));

        assertThat(advice.handleUnexpected(rollback, request).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void anyOtherDatabaseErrorStaysAnUnexpected500() {
        var e = new InvalidDataAccessResourceUsageException("could not execute statement",
                new SQLException("column \"nme\" does not exist", "42703"));

        ResponseEntity<ProblemDetail> answer = advice.handleUnexpected(e, request);

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
        assertThat(answer.getBody().getDetail()).isEqualTo(Problems.UNEXPECTED);
    }
}
