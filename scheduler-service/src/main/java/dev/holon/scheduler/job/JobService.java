package dev.holon.scheduler.job;

import dev.holon.support.security.Caller;
import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.Topics;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.SchedulerProperties;
import dev.holon.scheduler.job.JobRepository.AttemptRow;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.scheduler.staging.StagingPath;
import dev.holon.scheduler.staging.InputLocations;
import dev.holon.scheduler.placement.InputLocalityScorer;
import dev.holon.scheduler.task.TaskStateMachine;
import dev.holon.scheduler.task.TaskTransitions;
import dev.holon.scheduler.task.TasksPending;
import dev.holon.support.outbox.Outbox;
import dev.holon.support.problem.ProblemException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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
    private final ApplicationEventPublisher events;
    private final InputLocations inputLocations;
    private final TransactionTemplate tx;

    public JobService(JobRepository jobs, TaskTransitions transitions, Outbox outbox, SchedulerProperties properties,
            Clock clock, ApplicationEventPublisher events, InputLocations inputLocations,
            PlatformTransactionManager transactions) {
        this.tx = new TransactionTemplate(transactions);
        this.events = events;
        this.inputLocations = inputLocations;
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
    @Transactional(propagation = Propagation.NOT_SUPPORTED)
    public Submitted submit(JobRequest request, Caller caller, String idempotencyKey) {
        JobRequest job = request.withDefaults();
        validate(job);
        List<String> inputs = qualifiedInputs(job.inputs(), caller.tenant());
        String outputDir = job.outputDir() == null ? null : StagingPath.qualify(job.outputDir(), caller.tenant());
        // Asked before the transaction: a slow storage-service must not hold a database connection.
        InputLocalityScorer.JobInputs located = inputs.isEmpty() ? new InputLocalityScorer.JobInputs(0, Map.of())
                : inputLocations.of(inputs);
        return tx.execute(status -> create(job, inputs, outputDir, located, caller, idempotencyKey));
    }

    private Submitted create(JobRequest job, List<String> inputs, String outputDir,
                             InputLocalityScorer.JobInputs located, Caller caller, String idempotencyKey) {
        String hash = hash(job);
        Instant now = clock.instant();
        if (idempotencyKey != null) {
            var previous = jobs.findByIdempotencyKey(caller.username(), idempotencyKey, now.minus(properties.idempotencyWindow()));
            if (previous.isPresent()) {
                return replay(previous.get(), hash, idempotencyKey);
            }
        }
        String id = Ids.newId();
        JobRow row = new JobRow(id, job.name(), caller.username(), caller.tenant(), job.command(), job.script(),
                job.env(), job.constraints(), job.affinities(), job.resources().cpuMillis(),
                job.resources().memoryMiB(), job.resources().gpus(),
                job.count(), job.strategy(), job.maxRetries(), job.retryBackoffSeconds(), job.timeoutSeconds(),
                job.priority(), "PENDING", null, false, hash, now, now, inputs, outputDir, located.totalBytes(),
                located.bytesByNode());
        try {
            jobs.insertJob(row, idempotencyKey);
        } catch (DuplicateKeyException e) {
            // the same key raced in from another request: the caller's transaction is done, it retries and replays
            throw ProblemException.conflict("a request with Idempotency-Key '" + idempotencyKey
                    + "' is being processed; retry it");
        }
        for (int i = 0; i < job.count(); i++) {
            jobs.insertTask(new TaskRow(Ids.newId(), id, i, TaskState.PENDING, 1, Ids.newId(), null, null, 0, null,
                    null, null, null, null, null), now);
        }
        events.publishEvent(new TasksPending(id));
        log.info("Job {} ({}) submitted by {} with {} task(s)", id, job.name(), caller.username(), job.count());
        return new Submitted(view(row, jobs.tasksOf(id), jobs.attemptsOf(id)), true);
    }

    @Transactional(readOnly = true)
    public JobView get(String id, Caller caller) {
        JobRow job = visible(id, caller);
        return view(job, jobs.tasksOf(id), jobs.attemptsOf(id));
    }

    /** Where a live follower of the job's history starts: after {@code lastEventId}, else from the start. */
    @Transactional(readOnly = true)
    public long resumeAfter(String id, Caller caller, String lastEventId) {
        visible(id, caller);
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        return jobs.eventSeq(id, lastEventId).orElseThrow(() -> ProblemException.invalid("Last-Event-ID '"
                + lastEventId + "' is not an event of this job; reconnect without it to read from the start"));
    }

    /** A page of the job's history, oldest first, after the event at {@code afterSeq} (0: from the start). */
    @Transactional(readOnly = true)
    public Page<JobEventView> events(String id, Caller caller, long afterSeq, int limit) {
        visible(id, caller);
        List<JobRepository.EventRow> rows = jobs.eventsAfter(id, afterSeq, limit + 1);
        boolean more = rows.size() > limit;
        List<JobRepository.EventRow> page = rows.stream().limit(limit).toList();
        return new Page<>(page.stream().map(JobEventView::of).toList(),
                more ? String.valueOf(page.getLast().seq()) : null);
    }

    @Transactional(readOnly = true)
    public Page<JobView> list(Caller caller, String state, String owner, String afterId, int limit) {
        List<JobRow> page = jobs.findPage(caller.username(), readerTenant(caller), caller.seesAll(), state, owner,
                afterId, limit + 1);
        boolean more = page.size() > limit;
        List<JobView> items = page.stream().limit(limit).map(j -> view(j, null, null)).toList();
        return new Page<>(items, more ? items.getLast().id() : null);
    }

    /** Cancels every task that has not finished; placed ones are told to stop. */
    public JobView cancel(String id, Caller caller) {
        visible(id, caller);
        JobRow job = jobs.lock(id).orElseThrow(() -> ProblemException.notFound("job", id));
        Instant now = clock.instant();
        jobs.markCancelRequested(id, now);
        for (TaskRow task : jobs.tasksOf(id)) {
            cancel(job, task, caller, now);
        }
        jobs.refreshState(id, now);
        return view(jobs.findById(id).orElseThrow(), jobs.tasksOf(id), jobs.attemptsOf(id));
    }

    /** Cancels one task of the job as {@link #cancel(String, Caller)} does for all; the others carry on. */
    public JobView cancelTask(String id, int index, Caller caller) {
        visible(id, caller);
        JobRow job = jobs.lock(id).orElseThrow(() -> ProblemException.notFound("job", id));
        TaskRow task = jobs.tasksOf(id).stream().filter(t -> t.index() == index).findFirst()
                .orElseThrow(() -> ProblemException.notFound("task", id + "/" + index));
        Instant now = clock.instant();
        cancel(job, task, caller, now);
        jobs.refreshState(id, now);
        return view(jobs.findById(id).orElseThrow(), jobs.tasksOf(id), jobs.attemptsOf(id));
    }

    private void cancel(JobRow job, TaskRow task, Caller caller, Instant now) {
        TaskRow after = transitions.apply(job, task, new TaskStateMachine.Input.Cancel("cancelled by " + caller.username()),
                null, now);
        if (after.state() == TaskState.CANCELLED && task.state().onNode()) {
            // fenced by the newest epoch, which a worker that took assignments from a newer leader also accepts
            outbox.publish(Topics.TASK_ASSIGNMENTS, task.nodeId(), job.tenant(), new CancelTask(task.id(),
                    task.attemptId(), task.nodeId(), jobs.currentEpoch(), "cancelled by " + caller.username()));
        }
    }

    private Submitted replay(JobRow previous, String hash, String key) {
        if (!previous.requestHash().equals(hash)) {
            throw ProblemException.conflict("Idempotency-Key '" + key
                    + "' was already used for a different request; use a new key for a new job");
        }
        return new Submitted(view(previous, jobs.tasksOf(previous.id()), jobs.attemptsOf(previous.id())), false);
    }

    private void validate(JobRequest job) {
        if (job.count() > properties.maxTasksPerJob()) {
            throw ProblemException.invalid("count must be at most " + properties.maxTasksPerJob() + ", got " + job.count());
        }
    }

    /**
     * The inputs as {@code /<tenant>/...}; each must name a file (not the tenant's root) and no two may have the
     * same file name, since each is staged as {@code inputs/<file name>}.
     */
    static List<String> qualifiedInputs(List<String> inputs, String tenant) {
        List<String> qualified = new java.util.ArrayList<>();
        Map<String, Integer> byName = new java.util.HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String path = StagingPath.qualify(inputs.get(i), tenant);
            if (path.equals("/" + tenant)) {
                throw ProblemException.invalid("inputs[" + i + "] must name a file, not the root of your tenant");
            }
            Integer earlier = byName.putIfAbsent(StagingPath.fileName(path), i);
            if (earlier != null) {
                throw ProblemException.invalid("inputs[" + i + "] has the same file name as inputs[" + earlier
                        + "] ('" + StagingPath.fileName(path) + "'); inputs are staged by file name into one folder");
            }
            qualified.add(path);
        }
        return List.copyOf(qualified);
    }

    private JobRow visible(String id, Caller caller) {
        return jobs.findVisible(id, caller.username(), readerTenant(caller), caller.seesAll())
                .orElseThrow(() -> ProblemException.notFound("job", id));
    }

    /** Operators and admins read every tenant's jobs, so they need no tenant to read; anyone else does. */
    private static String readerTenant(Caller caller) {
        return caller.seesAll() ? caller.tenantIfKnown().orElse("") : caller.tenant();
    }

    static JobView view(JobRow job, List<TaskRow> tasks, Map<String, List<AttemptRow>> attempts) {
        return new JobView(job.id(), job.name(), job.owner(), job.tenant(), job.state(), job.pendingReason(),
                job.command(), job.script(), job.env(),
                new JobRequest.Resources(job.cpuMillis(), job.memoryMiB(), job.gpus()), job.count(), job.constraints(),
                job.affinities(), job.strategy(), job.maxRetries(), job.retryBackoffSeconds(),
                job.timeoutSeconds(), job.priority(), job.inputs(), job.outputDir(), job.createdAt(), job.updatedAt(),
                tasks == null ? null : tasks.stream().map(t -> new JobView.TaskView(
                        t.id(), t.index(), t.state().name(), t.nodeId(), t.attempt(), t.attemptId(), t.exitCode(),
                        t.startedAt(), t.finishedAt(), t.reason(), t.notBefore(),
                        attempts.getOrDefault(t.id(), List.of()).stream().map(a -> new JobView.AttemptView(a.attempt(),
                                a.attemptId(), a.state().name(), a.nodeId(), a.exitCode(), a.reason(), a.notBefore(),
                                a.createdAt(), a.scheduledAt(), a.startedAt(), a.finishedAt(), a.cpuMillisUsed(),
                                a.peakMemoryBytes())).toList())).toList());
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
