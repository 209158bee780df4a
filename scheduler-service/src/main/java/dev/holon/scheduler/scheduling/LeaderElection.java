package dev.holon.scheduler.scheduling;

import dev.holon.support.leader.AdvisoryLockLeadership;
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

/**
 * One leader among the scheduler replicas: whoever holds a PostgreSQL session-level advisory lock
 * ({@link AdvisoryLockLeadership}). Each acquisition increments {@code leader_epoch}; that epoch is the fencing token
 * of every assignment the leader sends, and the placement transaction re-checks it, so a deposed leader cannot
 * commit. Every replica tries every {@code holon.scheduler.leader-retry}; if the leader's connection dies, the
 * database releases the lock and another replica takes over at its next try. Thread-safe.
 */
@Component
public class LeaderElection implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
    /** Advisory lock key: "holon.scheduler.leader" in one 64-bit number, unique in the shared database. */
    static final long LOCK_KEY = 0x686f6c6f6e5f7363L;

    private final AdvisoryLockLeadership lock;
    private volatile long epoch;

    public LeaderElection(DataSource dataSource, @Value("${spring.application.name:scheduler-service}") String service) {
        String holder = service + "/" + ProcessHandle.current().pid();
        this.lock = new AdvisoryLockLeadership(dataSource, LOCK_KEY, holder, session -> bumpEpoch(session, holder));
    }

    public boolean isLeader() {
        return lock.isLeader();
    }

    /** The fencing token of the current leadership; meaningful only while {@link #isLeader()}. */
    public long epoch() {
        return epoch;
    }

    @Scheduled(fixedDelayString = "${holon.scheduler.leader-retry:PT1S}")
    public void tryLead() {
        lock.tryLead();
    }

    private void bumpEpoch(Connection session, String holder) throws SQLException {
        try (PreparedStatement bump = session.prepareStatement(
                "UPDATE leader_epoch SET epoch = epoch + 1, holder = ?, acquired_at = now() WHERE id = 1 RETURNING epoch")) {
            bump.setString(1, holder);
            try (ResultSet rs = bump.executeQuery()) {
                rs.next();
                epoch = rs.getLong(1);
            }
        }
        log.info("{} is the scheduling leader, epoch {}", holder, epoch);
    }

    @Override
    public void destroy() {
        lock.close();
    }
}
