package dev.holon.support.leader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One leader among a service's replicas: whoever holds a PostgreSQL session-level advisory lock on a dedicated
 * connection; {@link OnAcquired} lets a role do more on taking it (the scheduler bumps its fencing epoch). If the leader's session dies, the database
 * releases the lock and another replica takes it at its next {@link #tryLead()}. Call {@code tryLead} periodically
 * (a {@code @Scheduled} method of the service); {@link #close()} releases the lock. Thread-safe.
 */
public class AdvisoryLockLeadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdvisoryLockLeadership.class);

    /** Runs on the lock's session once the lock is taken; if it fails, the lock is let go again. */
    @FunctionalInterface
    public interface OnAcquired {
        void acquired(Connection session) throws SQLException;
    }

    private final DataSource dataSource;
    private final long lockKey;
    private final String holder;
    private final OnAcquired onAcquired;
    private Connection connection;
    private volatile boolean leader;

    /** {@code lockKey}: a 64-bit number unique in the shared database, per singleton role. */
    public AdvisoryLockLeadership(DataSource dataSource, long lockKey, String holder) {
        this(dataSource, lockKey, holder, session -> { });
    }

    public AdvisoryLockLeadership(DataSource dataSource, long lockKey, String holder, OnAcquired onAcquired) {
        this.dataSource = dataSource;
        this.lockKey = lockKey;
        this.holder = holder;
        this.onAcquired = onAcquired;
    }

    public boolean isLeader() {
        return leader;
    }

    public synchronized boolean tryLead() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            if (leader) {
                try (Statement check = connection.createStatement()) {
                    check.execute("SELECT 1"); // the lock lives as long as this session
                }
                return true;
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, lockKey);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return false;
                    }
                }
            }
            onAcquired.acquired(connection);
            leader = true;
            log.info("{} is the leader (lock {})", holder, Long.toHexString(lockKey));
            return true;
        } catch (SQLException e) {
            if (leader) {
                log.warn("{} lost the leadership: {}", holder, e.getMessage());
            }
            leader = false;
            closeQuietly();
            return false;
        }
    }

    @Override
    public synchronized void close() {
        leader = false;
        closeQuietly();
    }

    private void closeQuietly() {
        if (connection != null) {
            try (Statement unlock = connection.createStatement()) {
                unlock.execute("SELECT pg_advisory_unlock_all()");
            } catch (SQLException ignored) {
                // a broken session holds nothing any more
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }
}
