package dev.holon.worker.tasks;

import dev.holon.contracts.task.NodeAssignments;
import dev.holon.worker.registration.EnrolmentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the scheduler for this node's desired state every {@code reconcile-interval}, and at once after each
 * enrolment (a restarted worker, or one the registry forgot, catches up without waiting), then lets
 * {@link TaskAssignments#converge} act on it. When no scheduler answers nothing is changed: running attempts keep
 * running. One thread; runs from context start to context stop.
 */
final class ConvergenceLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConvergenceLoop.class);
    /** How often the loop looks whether an enrolment happened or the next poll is due. */
    private static final Duration TICK = Duration.ofMillis(200);

    private final SchedulerClient scheduler;
    private final TaskAssignments assignments;
    private final EnrolmentStatus enrolment;
    private final Duration interval;
    private final Clock clock;

    private volatile ScheduledExecutorService executor;
    private long seenEnrolments;
    private Instant nextPoll = Instant.MIN;
    private int failures;

    ConvergenceLoop(SchedulerClient scheduler, TaskAssignments assignments, EnrolmentStatus enrolment,
                    Duration interval, Clock clock) {
        this.scheduler = scheduler;
        this.assignments = assignments;
        this.enrolment = enrolment;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("task-convergence").factory());
        executor.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    private void tick() {
        long enrolments = enrolment.enrolments();
        if (enrolments == seenEnrolments && clock.instant().isBefore(nextPoll)) {
            return;
        }
        seenEnrolments = enrolments;
        nextPoll = clock.instant().plus(interval);
        try {
            converge();
        } catch (RuntimeException unexpected) {
            log.error("Convergence on the scheduler's desired state failed unexpectedly", unexpected);
        }
    }

    private void converge() {
        NodeAssignments desired;
        try {
            desired = scheduler.assignments(assignments.nodeId());
        } catch (RuntimeException e) {
            if (executor == null || Thread.currentThread().isInterrupted()) {
                return;
            }
            // Not hearing from the scheduler says nothing about what should run: leave everything as it is.
            if (failures++ == 0) {
                log.warn("Cannot get this node's desired state from the scheduler ({}); running attempts are left "
                        + "alone, retrying every {}", e.toString(), interval);
            } else {
                log.debug("Still no desired state from the scheduler: {}", e.toString());
            }
            return;
        }
        if (failures > 0) {
            log.info("The scheduler answers again after {} failed polls", failures);
            failures = 0;
        }
        Convergence.Plan plan = assignments.converge(desired);
        if (!plan.isEmpty()) {
            log.info("Converged on the desired state as of {}: started {}, stopping {}, reported again {}",
                    desired.asOf(), plan.start().size(), plan.stop().size(), plan.reReport().size());
        }
    }
}
