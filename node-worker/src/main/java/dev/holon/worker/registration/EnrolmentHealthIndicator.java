package dev.holon.worker.registration;

import dev.holon.worker.identity.NodeIdentity;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@code enrolment} in {@code /actuator/health}: DOWN until the registry has accepted this node, and after it forgot it. */
public class EnrolmentHealthIndicator implements HealthIndicator {

    private final EnrolmentStatus status;
    private final NodeIdentity identity;

    public EnrolmentHealthIndicator(EnrolmentStatus status, NodeIdentity identity) {
        this.status = status;
        this.identity = identity;
    }

    @Override
    public Health health() {
        Health.Builder health = status.isEnrolled() ? Health.up() : Health.down();
        health.withDetail("nodeId", identity.nodeId());
        status.enrolledAt().ifPresent(at -> health.withDetail("enrolledAt", at.toString()));
        status.lastProblem().ifPresent(problem -> health.withDetail("lastProblem", problem));
        return health.build();
    }
}
