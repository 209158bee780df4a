package dev.holon.scheduler.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One leader among the scheduler replicas: whoever holds a PostgreSQL session-level advisory lock on a dedicated
 * connection. Each acquisition increments {@code leader_epoch}; that epoch is the fencing token of every
 * assignment the leader sends, and the placement transaction re-checks it, so a deposed leader cannot commit.
 * Every replica tries every {@code holon.scheduler.leader-retry}; if the leader's connection dies, the database
 * releases the lock and another replica takes over at its next try. Thread-safe.
 */
@Component
public class LeaderElection implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
    /** Advisory lock key: "holon.scheduler.leader" in one 64-bit number, unique in the shared database. */
    static final long LOCK_KEY = 0x686f6c6f6e5f7363L;

    private final DataSource dataSource;
    private final String holder;
    private Connection connection;
    private volatile long epoch;
    private volatile boolean leader;

    public LeaderElection(DataSource dataSource, @Value("${spring.application.name:scheduler-service}") String service) {
        this.dataSource = dataSource;
        this.holder = service + "/" + ProcessHandle.current().pid();
    }

    public boolean isLeader() {
        return leader;
    }

    /** The fencing token of the current leadership; meaningful only while {@link #isLeader()}. */
    public long epoch() {
        return epoch;
    }

    @Scheduled(fixedDelayString = "${holon.scheduler.leader-retry:PT1S}")
    public synchronized void tryLead() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dataSource.getConnection();
                connection.setAutoCommit(true);
            }
            if (leader) {
                try (Statement check = connection.createStatement()) {
                    check.execute("SELECT 1"); // the lock lives as long as this session
                }
                return;
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, LOCK_KEY);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return;
                    }
                }
            }
            try (PreparedStatement bump = connection.prepareStatement(
                    "UPDATE leader_epoch SET epoch = epoch + 1, holder = ?, acquired_at = now() WHERE id = 1 RETURNING epoch")) {
                bump.setString(1, holder);
                try (ResultSet rs = bump.executeQuery()) {
                    rs.next();
                    epoch = rs.getLong(1);
                }
            }
            leader = true;
            log.info("{} is the scheduling leader, epoch {}", holder, epoch);
        } catch (SQLException e) {
            if (leader) {
                log.warn("Lost the scheduling leadership (epoch {}): {}", epoch, e.getMessage());
            }
            leader = false;
            closeQuietly();
        }
    }

    @Override
    public synchronized void destroy() {
        leader = false;
        closeQuietly();
    }

    /** The connection goes back to the pool, so the lock is released explicitly first (a dead one is evicted). */
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
