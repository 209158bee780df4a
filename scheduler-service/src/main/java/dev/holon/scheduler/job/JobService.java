package dev.holon.scheduler.job;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.Topics;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.SchedulerProperties;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.scheduler.placement.LabelConstraint;
import dev.holon.scheduler.task.TaskStateMachine;
import dev.holon.scheduler.task.TaskTransitions;
import dev.holon.support.outbox.Outbox;
import dev.holon.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Submitting, reading and cancelling jobs; a job and its tasks are created in one transaction. */
@Service
@Transactional
public class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JobRepository jobs;
    private final TaskTransitions transitions;
    private final Outbox outbox;
    private final SchedulerProperties properties;
    private final Clock clock;

    public JobService(JobRepository jobs, TaskTransitions transitions, Outbox outbox, SchedulerProperties properties,
            Clock clock) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
    }

    public record Submitted(JobView job, boolean created) {
    }

    /**
     * Creates the job with its tasks PENDING. With an idempotency key, a repeat of the same request returns the
     * first job, and a different request under the same key is a conflict.
     */
    public Submitted submit(JobRequest request, Caller caller, String idempotencyKey) {
        JobRequest job = request.withDefaults();
        validate(job);
        String hash = hash(job);
        Instant now = clock.instant();
        if (idempotencyKey != null) {
            var previous = jobs.findByIdempotencyKey(caller.username(), idempotencyKey, now.minus(properties.idempotencyWindow()));
            if (previous.isPresent()) {
                return replay(previous.get(), hash, idempotencyKey);
            }
        }
        String id = Ids.newId();
        JobRow row = new JobRow(id, job.name(), caller.username(), caller.tenant(), job.command(), job.env(),
                job.constraints(), job.resources().cpuMillis(), job.resources().memoryMiB(), job.resources().gpus(),
                job.count(), job.strategy(), job.maxRetries(), job.timeoutSeconds(), job.priority(), "PENDING", null,
                false, hash, now, now);
        try {
            jobs.insertJob(row, idempotencyKey);
        } catch (DuplicateKeyException e) {
            // the same key raced in from another request: the caller's transaction is done, it retries and replays
            throw ProblemException.conflict("a request with Idempotency-Key '" + idempotencyKey
                    + "' is being processed; retry it");
        }
        for (int i = 0; i < job.count(); i++) {
            jobs.insertTask(new TaskRow(Ids.newId(), id, i, TaskState.PENDING, 1, Ids.newId(), null, null, 0, null,
                    null, null, null, null), now);
        }
        log.info("Job {} ({}) submitted by {} with {} task(s)", id, job.name(), caller.username(), job.count());
        return new Submitted(view(row, jobs.tasksOf(id)), true);
    }

    @Transactional(readOnly = true)
    public JobView get(String id, Caller caller) {
        JobRow job = visible(id, caller);
        return view(job, jobs.tasksOf(id));
    }

    @Transactional(readOnly = true)
    public Page<JobView> list(Caller caller, String state, String afterId, int limit) {
        List<JobRow> page = jobs.findPage(caller.username(), caller.tenant(), caller.seesAll(), state, afterId, limit + 1);
        boolean more = page.size() > limit;
        List<JobView> items = page.stream().limit(limit).map(j -> view(j, null)).toList();
        return new Page<>(items, more ? items.getLast().id() : null);
    }

    /** Cancels every task that has not finished; placed ones are told to stop. */
    public JobView cancel(String id, Caller caller) {
        visible(id, caller);
        JobRow job = jobs.lock(id).orElseThrow(() -> ProblemException.notFound("job", id));
        Instant now = clock.instant();
        jobs.markCancelRequested(id, now);
        for (TaskRow task : jobs.tasksOf(id)) {
            TaskRow after = transitions.apply(job, task, new TaskStateMachine.Input.Cancel("cancelled by " + caller.username()),
                    null, now);
            if (after.state() == TaskState.CANCELLED && task.state().onNode()) {
                // fenced by the newest epoch, which a worker that took assignments from a newer leader also accepts
                outbox.publish(Topics.TASK_ASSIGNMENTS, task.nodeId(), job.tenant(), new CancelTask(task.id(),
                        task.attemptId(), task.nodeId(), jobs.currentEpoch(), "cancelled by " + caller.username()));
            }
        }
        jobs.refreshState(id, now);
        return view(jobs.findById(id).orElseThrow(), jobs.tasksOf(id));
    }

    private Submitted replay(JobRow previous, String hash, String key) {
        if (!previous.requestHash().equals(hash)) {
            throw ProblemException.conflict("Idempotency-Key '" + key
                    + "' was already used for a different request; use a new key for a new job");
        }
        return new Submitted(view(previous, jobs.tasksOf(previous.id())), false);
    }

    private void validate(JobRequest job) {
        if (job.count() > properties.maxTasksPerJob()) {
            throw ProblemException.invalid("count must be at most " + properties.maxTasksPerJob() + ", got " + job.count());
        }
        for (String constraint : job.constraints()) {
            try {
                LabelConstraint.parse(constraint);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalid("constraint '" + constraint
                        + "' must look like key=value, key!=value or key in (a,b)");
            }
        }
    }

    private JobRow visible(String id, Caller caller) {
        return jobs.findVisible(id, caller.username(), caller.tenant(), caller.seesAll())
                .orElseThrow(() -> ProblemException.notFound("job", id));
    }

    static JobView view(JobRow job, List<TaskRow> tasks) {
        return new JobView(job.id(), job.name(), job.owner(), job.tenant(), job.state(), job.pendingReason(),
                job.command(), job.env(), new JobRequest.Resources(job.cpuMillis(), job.memoryMiB(), job.gpus()),
                job.count(), job.constraints(), job.strategy(), job.maxRetries(), job.timeoutSeconds(), job.priority(),
                job.createdAt(), job.updatedAt(), tasks == null ? null : tasks.stream().map(t -> new JobView.TaskView(
                        t.id(), t.index(), t.state().name(), t.nodeId(), t.attempt(), t.attemptId(), t.exitCode(),
                        t.startedAt(), t.finishedAt(), t.reason())).toList());
    }

    private static String hash(JobRequest job) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(job).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
