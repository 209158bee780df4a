package dev.holon.scheduler.task;

import dev.holon.contracts.Topics;
import dev.holon.contracts.task.CancelTask;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.support.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;

/**
 * Moves the tasks off a node that is DOWN or draining: each attempt placed there ends LOST (no retry consumed) and a
 * new attempt is pending at once; the worker is told to stop the old attempt (if it is alive it must not run twice).
 * In the caller's transaction; jobs are locked in id order, as the placement pass does.
 */
@Service
public class NodeEvacuation {

    private final JobRepository jobs;
    private final TaskTransitions transitions;
    private final Outbox outbox;
    private final Clock clock;

    public NodeEvacuation(JobRepository jobs, TaskTransitions transitions, Outbox outbox, Clock clock) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Returns how many attempts were moved: those placed on the node before {@code placedBefore}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int evacuate(String nodeId, Instant placedBefore, String reason) {
        Instant now = clock.instant();
        int moved = 0;
        for (TaskRow seen : jobs.tasksOnNode(nodeId, placedBefore)) {
            JobRow job = jobs.lock(seen.jobId()).orElseThrow();
            TaskRow task = jobs.findTask(seen.id()).orElseThrow();
            TaskRow after = transitions.apply(job, task, new TaskStateMachine.Input.Lose(task.attemptId(), reason),
                    null, now);
            if (after != task) {
                outbox.publish(Topics.TASK_ASSIGNMENTS, nodeId, job.tenant(), new CancelTask(task.id(),
                        task.attemptId(), nodeId, jobs.currentEpoch(), reason));
                jobs.refreshState(job.id(), now);
                moved++;
            }
        }
        return moved;
    }
}
