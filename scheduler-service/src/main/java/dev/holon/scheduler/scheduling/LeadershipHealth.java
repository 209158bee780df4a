package dev.holon.scheduler.scheduling;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health/leadership}: whether this replica is the scheduling leader and its epoch. Always UP (a
 * follower is healthy); operators and the system tests read it to find the leader.
 */
@Component("leadership")
public class LeadershipHealth implements HealthIndicator {

    private final LeaderElection leadership;

    public LeadershipHealth(LeaderElection leadership) {
        this.leadership = leadership;
    }

    @Override
    public Health health() {
        boolean leader = leadership.isLeader();
        return Health.up().withDetail("leader", leader).withDetail("epoch", leader ? leadership.epoch() : 0L).build();
    }
}
