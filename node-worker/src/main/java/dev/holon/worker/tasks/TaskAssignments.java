package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.NodeAssignments;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.worker.execution.AttemptRecord;
import dev.holon.worker.execution.RunningTask;
import dev.holon.worker.execution.TaskResult;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.execution.TaskSpec;
import dev.holon.worker.staging.TaskStaging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

/**
 * What the worker does with the scheduler's commands for this node (plain Java; the Kafka listener only routes
 * records here):
 * <ul>
 *   <li>a command whose fencing token is lower than the highest seen is ignored (it comes from a deposed leader);</li>
 *   <li>{@link AssignTask} starts the attempt once, on a start thread: an attempt that is starting, runs, or has a directory under the sandbox
 *   root (it ran here before, perhaps before a restart), is not started again, so redelivered records are
 *   harmless;</li>
 *   <li>{@code TaskStarted} is reported when the process started, {@code TaskExited} when it ended (exit code -1
 *   when it never started) with the CPU time and peak memory its sandbox used, where measurable;</li>
 *   <li>{@link CancelTask} cancels the attempt if it runs here;</li>
 *   <li>{@link #converge} applies the scheduler's desired state for this node, the safety net under Kafka.</li>
 * </ul>
 */
public final class TaskAssignments {

    private static final Logger log = LoggerFactory.getLogger(TaskAssignments.class);

    /** Reported as exit code when the attempt has none (it never started). */
    public static final int NO_EXIT_CODE = -1;
    /** The reason of an attempt stopped because the scheduler's desired state no longer lists it here. */
    public static final String NO_LONGER_ASSIGNED = "no longer assigned to this node";

    private final String nodeId;
    private final TaskRunner runner;
    private final FencingToken fencing;
    private final TaskReporter reporter;
    private final Clock clock;
    private final Convergence convergence = new Convergence();
    private final TaskStaging staging;
    /**
     * Starting an attempt takes tens of milliseconds (uid, cgroup, records, fork): starts run side by side here, so a
     * burst of assignments does not queue behind one thread. Guarded by {@code this}: attempts being started, and
     * those cancelled meanwhile (cancelled as soon as their start returns).
     */
    private final ExecutorService starts = Executors.newFixedThreadPool(4,
            Thread.ofPlatform().daemon().name("task-start-", 0).factory());
    private final Set<String> starting = new HashSet<>();
    private final Set<String> cancelledWhileStarting = new HashSet<>();

    public TaskAssignments(String nodeId, TaskRunner runner, FencingToken fencing, TaskReporter reporter,
                           Clock clock) {
        this(nodeId, runner, fencing, reporter, clock, null);
    }

    /** With {@code staging} (may be null: none), inputs are fetched before a start and outputs stored after success. */
    public TaskAssignments(String nodeId, TaskRunner runner, FencingToken fencing, TaskReporter reporter,
                           Clock clock, TaskStaging staging) {
        this.staging = staging;
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.runner = runner;
        this.fencing = fencing;
        this.reporter = reporter;
        this.clock = clock;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Whether a record with this key is for this node (checked before looking at its value). */
    public boolean isForThisNode(String key) {
        return nodeId.equals(key);
    }

    public enum Outcome { STARTED, NOT_FOR_THIS_NODE, FENCED, DUPLICATE, INVALID }

    /** Handles one assignment; synchronized so a redelivery racing the first delivery cannot start twice. */
    public synchronized Outcome assign(AssignTask assign) {
        if (!nodeId.equals(assign.nodeId())) {
            return Outcome.NOT_FOR_THIS_NODE;
        }
        if (!fencing.admit(assign.fencingToken())) {
            log.info("ignoring assignment of attempt {}: fencing token {} is below {}", assign.attemptId(),
                    assign.fencingToken(), fencing.highest());
            return Outcome.FENCED;
        }
        return start(assign);
    }

    /**
     * Converges on the scheduler's desired state for this node (see {@link Convergence}). The answer as a whole is
     * fenced by its token (the newest leader epoch): an answer from a deposed scheduler changes nothing, and the
     * attempts of a current answer start even when assigned under an older epoch, since the current leader still
     * wants them.
     */
    public synchronized Convergence.Plan converge(NodeAssignments desired) {
        if (!nodeId.equals(desired.nodeId())) {
            log.warn("ignoring the desired state of node {}: this is node {}", desired.nodeId(), nodeId);
            return Convergence.Plan.NONE;
        }
        if (!fencing.admit(desired.fencingToken())) {
            log.info("ignoring the desired state as of {}: fencing token {} is below {}", desired.asOf(),
                    desired.fencingToken(), fencing.highest());
            return Convergence.Plan.NONE;
        }
        List<AssignTask> items = desired.items() == null ? List.of()
                : desired.items().stream().filter(item -> nodeId.equals(item.nodeId())).toList();
        Set<String> running = runner.running().all().stream().filter(RunningTask::isRunning)
                .map(RunningTask::attemptId).collect(Collectors.toSet());
        Convergence.Plan plan = convergence.plan(items, running, attemptId -> !runner.hasRun(attemptId)
                ? Convergence.Local.UNKNOWN
                : runner.result(attemptId).isPresent() ? Convergence.Local.ENDED : Convergence.Local.RUNNING);
        for (AssignTask assign : plan.start()) {
            log.info("attempt {} of task {} is assigned here but was never received: starting it", assign.attemptId(),
                    assign.taskId());
            start(assign);
        }
        for (String attemptId : plan.stop()) {
            runner.running().get(attemptId).filter(task -> task.stop(NO_LONGER_ASSIGNED)).ifPresent(task ->
                    log.info("attempt {} is no longer assigned to this node: stopping it", attemptId));
        }
        for (AssignTask assign : plan.reReport()) {
            runner.result(assign.attemptId()).ifPresent(result -> {
                log.info("attempt {} ended here but the scheduler still lists it: reporting its end again",
                        assign.attemptId());
                reporter.report(exited(assign.jobId(), assign.taskId(), assign.attemptId(), result), assign.tenant());
            });
        }
        return plan;
    }

    private Outcome start(AssignTask assign) {
        if (!TaskSpec.isSafeId(assign.attemptId()) || starting.contains(assign.attemptId())
                || runner.running().get(assign.attemptId()).isPresent() || runner.hasRun(assign.attemptId())) {
            log.debug("attempt {} already ran or runs here: assignment ignored", assign.attemptId());
            return TaskSpec.isSafeId(assign.attemptId()) ? Outcome.DUPLICATE : Outcome.INVALID;
        }
        TaskSpec spec;
        try {
            spec = new TaskSpec(assign.taskId(), assign.attemptId(), assign.jobId(), assign.index(), assign.count(),
                    assign.command(), assign.env(), assign.cpuMillis(), assign.memoryMiB(),
                    assign.timeoutSeconds() > 0 ? Duration.ofSeconds(assign.timeoutSeconds()) : null,
                    assign.tenant());
        } catch (IllegalArgumentException e) {
            log.warn("attempt {} of task {} cannot run: {}", assign.attemptId(), assign.taskId(), e.getMessage());
            reporter.report(new TaskEvent.TaskExited(assign.jobId(), assign.taskId(), assign.attemptId(), nodeId,
                    NO_EXIT_CODE, TaskResult.FAILED_TO_START + e.getMessage(), clock.instant()), assign.tenant());
            return Outcome.INVALID;
        }
        starting.add(spec.attemptId());
        try {
            starts.execute(() -> startNow(spec, assign));
        } catch (RejectedExecutionException e) {
            starting.remove(spec.attemptId());
            throw e;
        }
        return Outcome.STARTED;
    }

    private void startNow(TaskSpec spec, AssignTask assign) {
        RunningTask task;
        try {
            task = runner.start(spec, staging == null ? null : staging.preparer(spec.attemptId(), assign.inputs()));
        } finally {
            synchronized (this) {
                starting.remove(spec.attemptId());
            }
        }
        boolean startFailed = task.result().isDone();
        if (!startFailed) {
            reporter.report(new TaskEvent.TaskStarted(spec.jobId(), spec.taskId(), spec.attemptId(), nodeId,
                    task.startedAt()), spec.tenant());
        }
        reportExit(task, spec.jobId(), spec.taskId(), spec.tenant(), assign);
        synchronized (this) {
            if (cancelledWhileStarting.remove(spec.attemptId())) {
                task.cancel();
            }
        }
    }

    /** Cancels the attempt if it runs here and the command is not fenced off; whether it was cancelled. */
    public synchronized boolean cancel(CancelTask cancel) {
        if (!nodeId.equals(cancel.nodeId()) || !fencing.admit(cancel.fencingToken())) {
            return false;
        }
        if (starting.contains(cancel.attemptId())) {
            return cancelledWhileStarting.add(cancel.attemptId());
        }
        return runner.running().get(cancel.attemptId()).map(RunningTask::cancel).orElse(false);
    }

    /**
     * Takes over the attempts an earlier worker process left without a result: still running ones are watched again,
     * ended ones get their recorded exit status, and each is reported when it ends.
     */
    public synchronized int adoptLeftovers() {
        int adopted = 0;
        for (AttemptRecord leftover : runner.leftovers()) {
            try {
                RunningTask task = runner.adopt(leftover);
                reportExit(task, leftover.jobId(), leftover.taskId(), leftover.tenant(), null);
                adopted++;
            } catch (RuntimeException e) {
                log.warn("cannot adopt attempt {}: {}", leftover.attemptId(), e.toString());
            }
        }
        return adopted;
    }

    /**
     * Reports the attempt's end once its result is known; a success of an assignment with an output folder is
     * reported only after its outputs are stored, and as a failure ({@code output upload failed: ...}) when they
     * could not be.
     */
    private void reportExit(RunningTask task, String jobId, String taskId, String tenant, AssignTask assign) {
        task.result().whenComplete((result, error) -> {
            if (error != null) {
                log.warn("attempt {}: no result: {}", task.attemptId(), error.toString());
                reporter.report(new TaskEvent.TaskExited(jobId, taskId, task.attemptId(), nodeId, NO_EXIT_CODE,
                        "worker error: " + error, clock.instant()), tenant);
                return;
            }
            if (staging != null && assign != null && assign.outputDir() != null && result.succeeded()
                    && task.sandbox() != null) {
                String failure = staging.storeOutputs(task.sandbox().workDir(), assign.outputDir(), assign.index())
                        .orElse(null);
                if (failure != null) {
                    log.warn("attempt {}: {}", task.attemptId(), failure);
                    reporter.report(new TaskEvent.TaskExited(jobId, taskId, task.attemptId(), nodeId, NO_EXIT_CODE,
                            failure, clock.instant()), tenant);
                    return;
                }
            }
            reporter.report(exited(jobId, taskId, task.attemptId(), result), tenant);
        });
    }

    private TaskEvent.TaskExited exited(String jobId, String taskId, String attemptId, TaskResult result) {
        int exitCode = result.exitCode() == null ? NO_EXIT_CODE : result.exitCode();
        // A stop by the worker (cancel, timeout, OOM) is never a success, whatever the exit status says.
        if (exitCode == 0 && !result.succeeded()) {
            exitCode = NO_EXIT_CODE;
        }
        return new TaskEvent.TaskExited(jobId, taskId, attemptId, nodeId, exitCode, result.reason(),
                result.finishedAt() == null ? clock.instant() : result.finishedAt(),
                result.usage().cpuTime() == null ? null : result.usage().cpuTime().toMillis(),
                result.usage().peakMemoryBytes());
    }
}
