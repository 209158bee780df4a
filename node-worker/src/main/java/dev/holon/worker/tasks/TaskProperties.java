package dev.holon.worker.tasks;

import dev.holon.worker.execution.SandboxOptions;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code holon.worker.tasks.*}: how this worker runs the tasks the scheduler assigns to it. Attempts live under
 * {@code <holon.worker.data-dir>/tasks}.
 *
 * @param killGrace    time between SIGTERM and SIGKILL when an attempt is cancelled or times out
 * @param cgroups      use cgroups for memory/CPU limits when the host allows it (else prlimit)
 * @param pidNamespace run each attempt in its own PID namespace when the host allows it
 * @param tenantUsers  run each tenant's attempts as its own Unix user when the worker is root
 * @param reconcileInterval how often the worker asks the scheduler for its desired state and converges on it
 * @param attemptUids  the machine-wide uid range (and its lock directory) attempts run under, one uid each, when
 *                     the worker is root; every worker of a machine must use the same values
 */
@ConfigurationProperties("holon.worker.tasks")
public record TaskProperties(Duration killGrace, Boolean cgroups, Boolean pidNamespace, Boolean tenantUsers,
                             Duration reconcileInterval, SandboxOptions.UidRange attemptUids) {

    public TaskProperties {
        attemptUids = attemptUids != null ? attemptUids : SandboxOptions.UidRange.DEFAULT;
        reconcileInterval = reconcileInterval != null ? reconcileInterval : Duration.ofSeconds(5);
        if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
            throw new IllegalArgumentException("holon.worker.tasks.reconcile-interval must be positive");
        }
        killGrace = killGrace != null ? killGrace : Duration.ofSeconds(5);
        cgroups = cgroups == null || cgroups;
        pidNamespace = pidNamespace == null || pidNamespace;
        tenantUsers = tenantUsers == null || tenantUsers;
    }
}
