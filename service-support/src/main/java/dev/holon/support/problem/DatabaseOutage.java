package dev.holon.support.problem;

import dev.holon.contracts.problem.ProblemType;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Recognises an error that only says the database is away (stopped, restarting, unreachable), however deep the
 * persistence stack wrapped it. PostgreSQL ends its sessions with SQL state 57P01-57P03 when it stops, and a lost or
 * refused connection is class 08; Hibernate and Spring do not translate all of these into one exception type.
 */
final class DatabaseOutage {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /**
     * What HikariCP throws (no SQL state) for a connection it has already closed because the database ended it: the
     * rollback that follows a statement PostgreSQL's shutdown cut off meets it.
     */
    private static final String POOL_CLOSED_IT = "Connection is closed";
    private static final String DETAIL = "the service cannot reach its database right now; retry in a few seconds";

    private DatabaseOutage() {
    }

    static boolean isCauseOf(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotCreateTransactionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof TransientDataAccessResourceException
                    || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && (sql.getSQLState() != null
                    ? sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P")
                    : POOL_CLOSED_IT.equals(sql.getMessage()))) {
                return true;
            }
            // The rollback after a failed statement failed too, and Spring threw that: the statement's own error
            // is kept aside (or, for a JpaSystemException, only logged), with the pool's closed connection above.
            if (cause instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && isCauseOf(rollback.getApplicationException())) {
                return true;
            }
        }
        return false;
    }

    /** A 503 that says when to try again: the caller did nothing wrong, and nothing here is a bug. */
    static ResponseEntity<ProblemDetail> answer(Problems problems, String path) {
        return ResponseEntity.status(ProblemType.UNAVAILABLE.status())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER.toSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problems.of(ProblemType.UNAVAILABLE, DETAIL, path));
    }

    /** The innermost message, which names what failed (refused, closed, shut down) without a stack trace. */
    static String summary(Throwable error) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(error);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
