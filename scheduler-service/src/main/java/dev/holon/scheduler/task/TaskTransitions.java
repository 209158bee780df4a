package dev.holon.scheduler.task;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.SchedulerProperties;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRepository.EventRow;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.support.outbox.Outbox;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies {@link TaskStateMachine} to a stored task: writes the new attempt state, the attempt history
 * ({@code task_attempt}) and the job's history ({@code job_event}), and publishes one {@code TaskStateChanged} per
 * step through the outbox, all in the caller's transaction (which must hold the job's lock). A retry after FAILED
 * waits for its backoff ({@link RetryBackoff}); a retry after LOST is due at once.
 */
@Service
public class TaskTransitions {

    private final JobRepository jobs;
    private final Outbox outbox;
    private final SchedulerProperties properties;
    private final ApplicationEventPublisher events;

    public TaskTransitions(JobRepository jobs, Outbox outbox, SchedulerProperties properties,
            ApplicationEventPublisher events) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.properties = properties;
        this.events = events;
    }

    /** Returns the task after the input; unchanged (and nothing published) when the input was ignored. */
    @Transactional(propagation = Propagation.MANDATORY)
    public TaskRow apply(JobRow job, TaskRow task, TaskStateMachine.Input input, Long fencingToken, Instant at) {
        TaskStateMachine.Status before = new TaskStateMachine.Status(task.state(), task.attempt(), task.attemptId(),
                task.nodeId(), task.retriesUsed(), job.maxRetries());
        TaskStateMachine.Outcome outcome = TaskStateMachine.apply(before, input, Ids::newId);
        if (!outcome.changed()) {
            return task;
        }
        TaskStateMachine.Status after = outcome.status();
        boolean newAttempt = !after.attemptId().equals(task.attemptId());
        Integer reportedExit = input instanceof TaskStateMachine.Input.Exit e ? Integer.valueOf(e.exitCode()) : null;
        Instant notBefore = null;
        List<TaskStateMachine.Step> steps = outcome.steps();
        if (newAttempt && after.retriesUsed() > task.retriesUsed()) {
            var delay = RetryBackoff.delay(job.retryBackoffSeconds(), after.retriesUsed(), properties.maxRetryBackoff());
            if (!delay.isZero()) {
                notBefore = at.plus(delay);
                steps = withDueTime(steps, after.attemptId(), notBefore);
            }
        }
        String reason = steps.getLast().reason();
        TaskRow updated = new TaskRow(task.id(), task.jobId(), task.index(), after.state(), after.attempt(),
                after.attemptId(), after.nodeId(),
                after.state() == TaskState.SCHEDULED ? fencingToken : newAttempt ? null : task.fencingToken(),
                after.retriesUsed(), newAttempt ? null : reportedExit != null ? reportedExit : task.exitCode(),
                newAttempt ? reason : (reason != null ? reason : task.reason()),
                after.state() == TaskState.SCHEDULED ? at : newAttempt ? null : task.scheduledAt(),
                after.state() == TaskState.RUNNING && task.state() != TaskState.RUNNING ? at : newAttempt ? null : task.startedAt(),
                after.state().terminal() ? at : null,
                newAttempt ? notBefore : task.notBefore());
        jobs.updateTask(updated, at);
        recordAttempts(task, steps, reportedExit, notBefore, at);
        for (TaskStateMachine.Step step : steps) {
            jobs.insertEvent(new EventRow(0, Ids.newId(), job.id(), at, task.index(), step.attemptId(), step.from(),
                    step.to(), step.nodeId(), step.reason()));
            outbox.publish(Topics.TASK_EVENTS, job.id(), job.tenant(), new TaskEvent.TaskStateChanged(job.id(), task.id(),
                    step.attemptId(), task.index(), step.from(), step.to(), step.nodeId(), step.reason()));
        }
        if (updated.state() == TaskState.PENDING && notBefore == null) {
            events.publishEvent(new TasksPending(job.id()));
        } else if (task.state().onNode() && !updated.state().onNode()) {
            events.publishEvent(new CapacityFreed(task.nodeId())); // (a due new attempt above wakes placement too)
        }
        return updated;
    }

    /** The old attempt's row follows its last step; a new attempt gets its own row. */
    private void recordAttempts(TaskRow task, List<TaskStateMachine.Step> steps, Integer reportedExit,
            Instant notBefore, Instant at) {
        TaskStateMachine.Step last = null;
        Instant scheduledAt = null, startedAt = null;
        for (TaskStateMachine.Step step : steps) {
            if (step.attemptId().equals(task.attemptId())) {
                last = step;
                scheduledAt = step.to() == TaskState.SCHEDULED ? at : scheduledAt;
                startedAt = step.to() == TaskState.RUNNING ? at : startedAt;
            } else if (step.to() == TaskState.PENDING) {
                jobs.insertAttempt(step.attemptId(), task.id(), task.attempt() + 1, notBefore, at);
                jobs.updateAttempt(step.attemptId(), TaskState.PENDING, null, null, step.reason(), null, null, null);
            }
        }
        if (last != null) {
            jobs.updateAttempt(task.attemptId(), last.to(), last.nodeId(), last.to().terminal() ? reportedExit : null,
                    last.reason(), scheduledAt, startedAt, last.to().terminal() ? at : null);
        }
    }

    private static List<TaskStateMachine.Step> withDueTime(List<TaskStateMachine.Step> steps, String attemptId,
            Instant notBefore) {
        List<TaskStateMachine.Step> out = new ArrayList<>(steps.size());
        for (TaskStateMachine.Step s : steps) {
            out.add(s.attemptId().equals(attemptId) && s.to() == TaskState.PENDING
                    ? new TaskStateMachine.Step(s.attemptId(), s.from(), s.to(), s.nodeId(),
                    s.reason() + ", due at " + notBefore)
                    : s);
        }
        return out;
    }
}
