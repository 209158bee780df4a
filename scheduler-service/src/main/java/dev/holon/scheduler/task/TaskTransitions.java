package dev.holon.scheduler.task;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.support.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;

/**
 * Applies {@link TaskStateMachine} to a stored task: writes the new attempt state and publishes one
 * {@code TaskStateChanged} per step through the outbox, in the caller's transaction (which must hold the job's lock).
 */
@Service
public class TaskTransitions {

    private final JobRepository jobs;
    private final Outbox outbox;

    public TaskTransitions(JobRepository jobs, Outbox outbox) {
        this.jobs = jobs;
        this.outbox = outbox;
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
        Integer exitCode = input instanceof TaskStateMachine.Input.Exit e && !newAttempt ? Integer.valueOf(e.exitCode())
                : newAttempt ? null : task.exitCode();
        String reason = outcome.steps().getLast().reason();
        TaskRow updated = new TaskRow(task.id(), task.jobId(), task.index(), after.state(), after.attempt(),
                after.attemptId(), after.nodeId(),
                after.state() == TaskState.SCHEDULED ? fencingToken : newAttempt ? null : task.fencingToken(),
                after.retriesUsed(), exitCode, newAttempt ? reason : (reason != null ? reason : task.reason()),
                after.state() == TaskState.SCHEDULED ? at : newAttempt ? null : task.scheduledAt(),
                after.state() == TaskState.RUNNING && task.state() != TaskState.RUNNING ? at : newAttempt ? null : task.startedAt(),
                after.state().terminal() ? at : null);
        jobs.updateTask(updated, at);
        for (TaskStateMachine.Step step : outcome.steps()) {
            outbox.publish(Topics.TASK_EVENTS, job.id(), job.tenant(), new TaskEvent.TaskStateChanged(job.id(), task.id(),
                    step.attemptId(), task.index(), step.from(), step.to(), step.nodeId(), step.reason()));
        }
        return updated;
    }
}
