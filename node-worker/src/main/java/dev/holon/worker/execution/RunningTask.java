package dev.holon.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The handle of one attempt: its pid, its result as a future, and {@link #cancel()}. Stopping (cancel or timeout)
 * signals the whole task: SIGTERM to every process of the attempt, SIGKILL after the grace period, and a second later
 * SIGKILL to the sandbox's own wrappers too. The first stop wins and names the result's reason. When the sandbox's
 * root process ends, anything the task left behind in its cgroup (or, without cgroup and namespace, anything that
 * still carries its {@code HOLON_ATTEMPT_ID}) is killed before the result completes. Thread-safe.
 */
public final class RunningTask {

    private static final Logger log = LoggerFactory.getLogger(RunningTask.class);
    /** After SIGKILL to the task, how long the sandbox's wrappers get to exit before they are killed too. */
    private static final Duration WRAPPER_GRACE = Duration.ofSeconds(1);
    /** How often an adopted attempt's root process is checked. */
    private static final Duration ADOPTED_POLL = Duration.ofMillis(100);
    /** How long the end of an attempt waits for its cgroup to empty. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(5);

    private final String attemptId;
    private final TaskSandbox sandbox;
    private final Instant startedAt;
    private final ProcessHandle root;
    private final Process process;
    private final TaskCgroup cgroup;
    private final Isolation.Namespaces namespaces;
    private final Isolation.MemoryLimit memoryLimit;
    private final Duration killGrace;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Consumer<RunningTask> onFinished;
    private final CompletableFuture<TaskResult> result = new CompletableFuture<>();
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final List<ScheduledFuture<?>> timers = new CopyOnWriteArrayList<>();

    RunningTask(String attemptId, TaskSandbox sandbox, Instant startedAt, ProcessHandle root, Process process,
                TaskCgroup cgroup, Isolation.Namespaces namespaces, Isolation.MemoryLimit memoryLimit,
                Duration killGrace, ScheduledExecutorService timer, Clock clock, Consumer<RunningTask> onFinished) {
        this.attemptId = attemptId;
        this.sandbox = sandbox;
        this.startedAt = startedAt;
        this.root = root;
        this.process = process;
        this.cgroup = cgroup;
        this.namespaces = namespaces;
        this.memoryLimit = memoryLimit;
        this.killGrace = killGrace;
        this.timer = timer;
        this.clock = clock;
        this.onFinished = onFinished;
    }

    /** An attempt that never ran; its result is already complete. */
    static RunningTask failedToStart(String attemptId, TaskSandbox sandbox, Instant at, String why) {
        return ended(attemptId, sandbox, at, TaskResult.failedToStart(attemptId, at, why));
    }

    /** An attempt that was deliberately not started (its working directory could not be prepared): {@code reason}. */
    static RunningTask notStarted(String attemptId, TaskSandbox sandbox, Instant at, String reason) {
        return ended(attemptId, sandbox, at, new TaskResult(attemptId, null, reason, at, at, ResourceUsage.UNKNOWN));
    }

    private static RunningTask ended(String attemptId, TaskSandbox sandbox, Instant at, TaskResult result) {
        RunningTask task = new RunningTask(attemptId, sandbox, at, null, null, null, Isolation.Namespaces.NONE,
                Isolation.MemoryLimit.NONE, Duration.ZERO, null, Clock.systemUTC(), t -> { });
        if (sandbox != null) {
            try {
                AttemptRecord.writeResult(sandbox.resultFile(), result);
            } catch (IOException e) {
                log.warn("attempt {}: cannot record its result in {}: {}", attemptId, sandbox.resultFile(), e.toString());
            }
        }
        log.info("attempt {}: {}", attemptId, result.reason());
        task.result.complete(result);
        return task;
    }

    public String attemptId() {
        return attemptId;
    }

    /** The pid of the sandbox's root process (in the worker's PID namespace); -1 when the attempt never started. */
    public long pid() {
        return root == null ? -1 : root.pid();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The attempt's files; null when it failed before they were created. */
    public TaskSandbox sandbox() {
        return sandbox;
    }

    /** Completes once the attempt has ended and every process of it is gone. Completing the copy has no effect. */
    public CompletableFuture<TaskResult> result() {
        return result.copy();
    }

    public boolean isRunning() {
        return !result.isDone();
    }

    /**
     * Stops the attempt (SIGTERM, grace, SIGKILL) with reason {@code cancelled}. Returns at once; false when it had
     * already ended or was already being stopped.
     */
    public boolean cancel() {
        return stop(TaskResult.CANCELLED);
    }

    /** Watches the root process; called once, after the attempt is registered. */
    void watch(Executor completions, Duration timeout) {
        if (timeout != null) {
            Duration left = timeout.minus(Duration.between(startedAt, clock.instant()));
            schedule(() -> stop(TaskResult.TIMEOUT), left.isNegative() ? Duration.ZERO : left);
        }
        if (process != null) {
            // Not Process.onExit(): it completes through the common ForkJoinPool, which anything else in the JVM
            // may block (a stuck pipe read is enough), and then no attempt would ever end.
            completions.execute(() -> {
                boolean interrupted = false;
                while (true) {
                    try {
                        process.waitFor();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                finish();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
        } else {
            // Not our child: poll, since the JDK's own wait for a non-child backs off to seconds.
            Runnable check = () -> {
                if (!finishing.get() && !ProcessTree.isRunning(root)) {
                    completions.execute(this::finish);
                }
            };
            timers.add(timer.scheduleWithFixedDelay(check, ADOPTED_POLL.toMillis(), ADOPTED_POLL.toMillis(),
                    TimeUnit.MILLISECONDS));
        }
    }

    /** For an attempt that ended while no worker watched it: completes from its recorded exit status. */
    void finishNow(Executor completions) {
        completions.execute(this::finish);
    }

    /**
     * Stops the attempt (SIGTERM, grace, SIGKILL) with {@code reason} as its result's reason. Returns at once; false
     * when it had already ended or was already being stopped.
     */
    public boolean stop(String reason) {
        if (root == null || result.isDone() || finishing.get() || !stopReason.compareAndSet(null, reason)) {
            return false;
        }
        log.info("attempt {}: stopping ({}): SIGTERM, SIGKILL after {}", attemptId, reason, killGrace);
        if (killGrace.isZero()) {
            killTask();
        } else {
            ProcessTree.signal(taskProcesses().values(), false);
            schedule(this::killTask, killGrace);
        }
        schedule(this::killEverything, killGrace.plus(WRAPPER_GRACE));
        return true;
    }

    /** SIGKILL to the task's processes, sparing the namespace's unshare and init: they exit once the task is gone. */
    private void killTask() {
        if (!ProcessTree.isRunning(root)) {
            return;
        }
        Map<Long, ProcessHandle> targets = taskProcesses();
        if (namespaces != Isolation.Namespaces.NONE) {
            root.children().forEach(unshare -> {
                targets.remove(unshare.pid());
                unshare.children().forEach(init -> targets.remove(init.pid()));
            });
        }
        ProcessTree.signal(targets.values(), true);
    }

    private void killEverything() {
        if (!ProcessTree.isRunning(root)) {
            return;
        }
        log.warn("attempt {}: still running {} after SIGKILL; killing the sandbox's wrappers too", attemptId,
                WRAPPER_GRACE);
        Map<Long, ProcessHandle> targets = taskProcesses();
        targets.put(root.pid(), root);
        ProcessTree.signal(targets.values(), true);
    }

    /** Every process of the attempt except the root wrapper: its tree, plus its cgroup or its tagged environment. */
    private Map<Long, ProcessHandle> taskProcesses() {
        Map<Long, ProcessHandle> all = ProcessTree.descendants(root);
        if (cgroup != null) {
            ProcessTree.addPids(all, cgroup.pids());
        } else if (namespaces == Isolation.Namespaces.NONE) {
            all.putAll(ProcessTree.withEnvironmentEntry(TaskRunner.ATTEMPT_ID_VARIABLE, attemptId));
        }
        all.remove(root.pid());
        return all;
    }

    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        try {
            timers.forEach(scheduled -> scheduled.cancel(false));
            Integer exitCode = process != null ? Integer.valueOf(process.exitValue()) : sandbox.exitStatus();
            boolean clean = killLeftovers();
            ResourceUsage usage = cgroup == null ? ResourceUsage.UNKNOWN
                    : new ResourceUsage(cgroup.cpuTime(), cgroup.peakMemoryBytes());
            String reason = reason(exitCode);
            if (cgroup != null && !cgroup.remove()) {
                log.warn("attempt {}: cannot remove its cgroup {}", attemptId, cgroup.directories());
            }
            if (!clean) {
                log.warn("attempt {}: processes of it were still alive after {}", attemptId, DRAIN_LIMIT);
            }
            TaskResult outcome = new TaskResult(attemptId, exitCode, reason, startedAt, clock.instant(), usage);
            try {
                AttemptRecord.writeResult(sandbox.resultFile(), outcome);
            } catch (IOException e) {
                log.warn("attempt {}: cannot record its result in {}: {}", attemptId, sandbox.resultFile(), e.toString());
            }
            log.info("attempt {}: ended, exit code {}, {}, CPU {}, peak memory {}", attemptId, exitCode,
                    reason == null ? "succeeded" : reason, usage.cpuTime(), usage.peakMemoryBytes());
            onFinished.accept(this);
            result.complete(outcome);
        } catch (RuntimeException | Error e) {
            log.error("attempt {}: failed to finish", attemptId, e);
            onFinished.accept(this);
            result.completeExceptionally(e);
        }
    }

    private String reason(Integer exitCode) {
        String stop = stopReason.get();
        if (stop != null) {
            return stop;
        }
        if (exitCode == null) {
            return "exit status unknown";
        }
        if (exitCode == SandboxCommand.CANNOT_JOIN_CGROUP && wrapperFailed()) {
            return TaskResult.FAILED_TO_START + "cannot join the attempt's cgroup";
        }
        if (exitCode == 0) {
            return null;
        }
        return outOfMemory(exitCode) ? TaskResult.OUT_OF_MEMORY : TaskResult.exitCodeReason(exitCode);
    }

    /**
     * cgroup: the kernel counted an OOM kill in the attempt's group (or, without that counter, the limit was hit and
     * the task died of SIGKILL). prlimit: the task's stderr ends with an allocation-failure message.
     */
    private boolean outOfMemory(int exitCode) {
        if (cgroup != null && (memoryLimit == Isolation.MemoryLimit.CGROUP_V1
                || memoryLimit == Isolation.MemoryLimit.CGROUP_V2)) {
            long kills = cgroup.oomKills();
            return kills > 0 || (kills < 0 && exitCode == 128 + 9 && cgroup.memoryLimitReached());
        }
        return memoryLimit == Isolation.MemoryLimit.PRLIMIT_ADDRESS_SPACE
                && AllocationFailure.reportedIn(sandbox.stderr());
    }

    private boolean wrapperFailed() {
        try {
            return Files.readString(sandbox.stderr()).startsWith(SandboxCommand.WRAPPER_MESSAGE);
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills what the task left behind; true when nothing is left. */
    private boolean killLeftovers() {
        Instant deadline = clock.instant().plus(DRAIN_LIMIT);
        while (true) {
            Map<Long, ProcessHandle> left;
            if (cgroup != null) {
                left = new LinkedHashMap<>();
                ProcessTree.addPids(left, cgroup.pids());
            } else if (namespaces == Isolation.Namespaces.NONE || root == null) {
                // No container to ask; for an adopted attempt whose root is unknown, the namespace may still run.
                left = ProcessTree.withEnvironmentEntry(TaskRunner.ATTEMPT_ID_VARIABLE, attemptId);
            } else {
                return true; // the kernel killed the namespace with its init, and the init reaped them all
            }
            left.values().removeIf(handle -> !handle.isAlive());
            if (left.isEmpty()) {
                return true;
            }
            if (clock.instant().isAfter(deadline)) {
                return false;
            }
            ProcessTree.signal(left.values(), true);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void schedule(Runnable action, Duration delay) {
        timers.add(timer.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("attempt {}: {}", attemptId, e.toString());
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS));
    }
}
