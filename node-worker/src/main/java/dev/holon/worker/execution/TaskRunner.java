package dev.holon.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs task attempts in sandboxes (see {@link SandboxCommand} for the chain, {@link TaskSandbox} for the files),
 * with the isolation this host really offers, probed once at construction and logged. {@link #start} returns at
 * once with a {@link RunningTask}; a spec that cannot start gives a handle whose result already says
 * {@code failed to start: ...}. Thread-safe: any thread may start, cancel and adopt attempts.
 */
public final class TaskRunner implements AutoCloseable {

    public static final String ATTEMPT_ID_VARIABLE = "HOLON_ATTEMPT_ID";
    /** Variables the sandbox sets; a spec's env cannot change them. */
    static final Set<String> RESERVED = Set.of("HOME", "HOLON_TASK_INDEX", "HOLON_TASK_COUNT", "HOLON_JOB_ID",
            "HOLON_TASK_ID", ATTEMPT_ID_VARIABLE);

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final SandboxOptions options;
    private final HostCapabilities host;
    private final RunningTasks running;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService completions;
    private volatile boolean closed;

    public TaskRunner(SandboxOptions options) {
        this(options, new RunningTasks(), Clock.systemUTC());
    }

    public TaskRunner(SandboxOptions options, RunningTasks running, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.running = Objects.requireNonNull(running, "running");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            TaskSandbox.prepareRoot(options.root());
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare the task sandbox root " + options.root() + ": " + e, e);
        }
        this.host = HostCapabilities.detect(options);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("holon-task-timer").daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.completions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("holon-task-end-", 0).factory());
        log.info("Task sandbox under {}: {}", options.root(), host.isolation().describe());
        if (!host.isolation().tenantUsers()) {
            log.warn("Tasks run as the worker's own user, not as per-tenant users (run the worker as root for them): "
                    + "tasks of different tenants can read each other's files and the worker's data directory");
        }
        if (host.cgroups() != null) {
            log.info("Task cgroups: {}", host.cgroups().describe());
        }
    }

    /** The mechanisms in effect on this host. */
    public Isolation isolation() {
        return host.isolation();
    }

    public RunningTasks running() {
        return running;
    }

    public SandboxOptions options() {
        return options;
    }

    /**
     * Starts one attempt. If this runner already runs the attempt, returns that handle (assignments may be delivered
     * twice). An attempt whose directory already exists is not started again: its result says so and the existing
     * files are left alone.
     */
    public RunningTask start(TaskSpec spec) {
        return start(spec, null);
    }

    /**
     * As {@link #start(TaskSpec)}, with {@code preparer} (may be null) filling the working directory before the
     * process starts; when it fails, the attempt ends at once with its reason and never starts.
     */
    public RunningTask start(TaskSpec spec, WorkDirPreparer preparer) {
        Objects.requireNonNull(spec, "spec");
        if (closed) {
            throw new IllegalStateException("the task runner is closed");
        }
        RunningTask existing = running.get(spec.attemptId()).orElse(null);
        if (existing != null) {
            return existing;
        }
        Instant startedAt = clock.instant();
        String attemptId = spec.attemptId();
        TenantUsers.UnixUser user = null;
        if (host.tenantUsers() != null) {
            try {
                user = host.tenantUsers().forTenant(spec.tenant());
            } catch (IOException e) {
                return RunningTask.failedToStart(attemptId, null, startedAt,
                        "no Unix user for tenant " + spec.tenant() + ": " + e.getMessage());
            }
        }
        AttemptUids.Lease uid = null;
        if (user != null && host.attemptUids() != null) {
            try {
                uid = host.attemptUids().acquire(attemptId);
            } catch (IOException e) {
                return RunningTask.failedToStart(attemptId, null, startedAt, "no uid for the attempt: " + e.getMessage());
            }
            // Its own uid, so no other attempt (of any tenant) can read its files; its tenant's group.
            user = new TenantUsers.UnixUser(user.name(), uid.uid(), user.gid());
        }
        TaskSandbox sandbox;
        try {
            sandbox = TaskSandbox.create(options.root(), attemptId, user);
        } catch (FileAlreadyExistsException e) {
            releaseUid(uid, null);
            return RunningTask.failedToStart(attemptId, null, startedAt,
                    "attempt " + attemptId + " already has a sandbox at " + e.getFile());
        } catch (IOException e) {
            releaseUid(uid, TaskSandbox.of(options.root(), attemptId));
            return RunningTask.failedToStart(attemptId, null, startedAt, "cannot create the sandbox: " + e);
        }
        Map<String, String> baseEnv = baseEnvironment(spec, sandbox);
        Map<String, String> ownEnv = new LinkedHashMap<>(spec.env());
        ownEnv.keySet().removeAll(RESERVED);
        String missing = missingExecutable(spec.command().getFirst(), ownEnv.getOrDefault("PATH", options.path()),
                sandbox.workDir());
        if (missing != null) {
            releaseUid(uid, sandbox);
            return RunningTask.failedToStart(attemptId, sandbox, startedAt, missing);
        }
        if (preparer != null) {
            try {
                Map<String, String> added = preparer.prepare(sandbox.workDir(), user == null ? -1 : user.uid(),
                        user == null ? -1 : user.gid());
                baseEnv.putAll(added);
                added.keySet().forEach(ownEnv::remove);
            } catch (WorkDirPreparer.NotPrepared e) {
                releaseUid(uid, sandbox);
                return RunningTask.notStarted(attemptId, sandbox, startedAt, e.getMessage());
            } catch (RuntimeException e) {
                releaseUid(uid, sandbox);
                return RunningTask.failedToStart(attemptId, sandbox, startedAt, "cannot prepare its working directory: " + e);
            }
        }
        TaskCgroup cgroup = null;
        if (host.cgroups() != null) {
            try {
                cgroup = host.cgroups().create(attemptId, spec.memoryBytes(), spec.cpuMillis());
            } catch (IOException e) {
                releaseUid(uid, sandbox);
                return RunningTask.failedToStart(attemptId, sandbox, startedAt, "cannot create its cgroup: " + e);
            }
        }
        List<String> argv = SandboxCommand.argv(host.tools(), host.isolation(),
                cgroup == null ? List.of() : cgroup.procsFiles(), sandbox.exitFile(), user, spec.memoryBytes(),
                spec.command());
        // Recorded before the start, so a worker that dies right after it still finds the attempt (and its cgroup).
        try {
            AttemptRecord.of(spec, startedAt, null, host.isolation(), cgroup, user).write(sandbox.recordFile());
        } catch (IOException e) {
            log.warn("attempt {}: cannot record it in {} (a restarted worker will not find it): {}", attemptId,
                    sandbox.recordFile(), e.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(sandbox.workDir().toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(sandbox.stdout().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(sandbox.stderr().toFile()));
        builder.environment().clear();
        builder.environment().putAll(baseEnv);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            if (cgroup != null) {
                cgroup.remove();
            }
            releaseUid(uid, sandbox);
            return RunningTask.failedToStart(attemptId, sandbox, startedAt, e.getMessage());
        }
        sendEnvironment(process, attemptId, SandboxCommand.exportScript(ownEnv));
        RunningTask task = new RunningTask(attemptId, sandbox, startedAt, process.toHandle(), process, cgroup,
                host.isolation().namespaces(), host.isolation().memory(), options.killGrace(), timer, clock,
                ended(uid, sandbox));
        try {
            AttemptRecord.of(spec, startedAt, process.toHandle(), host.isolation(), cgroup, user)
                    .write(sandbox.recordFile());
        } catch (IOException e) {
            log.warn("attempt {}: cannot record its pid in {}: {}", attemptId, sandbox.recordFile(), e.toString());
        }
        running.add(task);
        task.watch(completions, spec.timeout());
        log.info("attempt {} of task {} (job {}, {}/{}, tenant {}) started: pid {}, {} mCPU, {} MiB{}", attemptId,
                spec.taskId(), spec.jobId(), spec.index(), spec.count(), spec.tenant(), process.pid(),
                spec.cpuMillis(), spec.memoryMiB(), user == null ? "" : ", uid " + user.uid() + " of " + user.name());
        return task;
    }

    /** Whether {@code attemptId} ran or runs here: its directory exists (also after a worker restart). */
    public boolean hasRun(String attemptId) {
        return TaskSpec.isSafeId(attemptId) && Files.isDirectory(options.root().resolve(attemptId));
    }

    /** The recorded result of an attempt that ended here. */
    public Optional<TaskResult> result(String attemptId) {
        if (!TaskSpec.isSafeId(attemptId)) {
            return Optional.empty();
        }
        return AttemptRecord.readResult(TaskSandbox.of(options.root(), attemptId).resultFile());
    }

    /**
     * The attempts an earlier worker process started under this root and did not see end (see
     * {@link RunningTasks#leftovers}).
     */
    public List<AttemptRecord> leftovers() {
        return running.leftovers(options.root());
    }

    /**
     * Takes over an attempt found by {@link #leftovers}: if its sandbox still runs, the returned handle watches it
     * (with what is left of its timeout) and can cancel it; if it has ended, the handle completes with the exit status
     * its sandbox recorded. Resource usage is measured as for any attempt when its cgroup is still there.
     */
    public RunningTask adopt(AttemptRecord leftover) {
        if (closed) {
            throw new IllegalStateException("the task runner is closed");
        }
        RunningTask existing = running.get(leftover.attemptId()).orElse(null);
        if (existing != null) {
            return existing;
        }
        TaskSandbox sandbox = TaskSandbox.of(options.root(), leftover.attemptId());
        TaskCgroup cgroup = leftover.cgroups().isEmpty() ? null : new TaskCgroup(leftover.cgroups());
        AttemptUids.Lease uid = reacquireUid(leftover);
        ProcessHandle root = leftover.liveRoot().orElse(null);
        if (root == null) {
            // It ended while no worker watched: report what the wrapper recorded, after clearing what is left.
            RunningTask ended = new RunningTask(leftover.attemptId(), sandbox, leftover.startedAt(), null, null,
                    cgroup, leftover.namespaces(), leftover.memoryLimit(), options.killGrace(), timer, clock,
                    ended(uid, sandbox));
            running.add(ended);
            ended.finishNow(completions);
            return ended;
        }
        RunningTask task = new RunningTask(leftover.attemptId(), sandbox, leftover.startedAt(), root, null, cgroup,
                leftover.namespaces(), leftover.memoryLimit(), options.killGrace(), timer, clock, ended(uid, sandbox));
        if (!running.add(task)) {
            if (uid != null) {
                uid.close();
            }
            return running.get(leftover.attemptId()).orElse(task);
        }
        task.watch(completions, leftover.timeout());
        log.info("attempt {} of task {} adopted: pid {} still running", leftover.attemptId(), leftover.taskId(),
                root.pid());
        return task;
    }

    /**
     * Cancels every running attempt, waits up to the kill grace (plus a margin) for them to end, and removes the
     * cgroup parent directories if no attempt (of any worker on this machine) still uses them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RunningTask> tasks = running.all();
        tasks.forEach(RunningTask::cancel);
        try {
            CompletableFuture.allOf(tasks.stream().map(RunningTask::result).toArray(CompletableFuture[]::new))
                    .get(options.killGrace().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("{} attempts did not end while closing the task runner: {}", running.size(), e.toString());
        }
        timer.shutdownNow();
        completions.shutdown();
        if (host.cgroups() != null && running.size() == 0) {
            host.cgroups().removeParents();
        }
    }

    /**
     * What happens when an attempt has ended and its processes are gone, before its result completes: it leaves the
     * registry and its uid is given back.
     */
    private Consumer<RunningTask> ended(AttemptUids.Lease uid, TaskSandbox sandbox) {
        return task -> {
            running.remove(task);
            releaseUid(uid, sandbox);
        };
    }

    /** Takes the uid of an adopted attempt back, so no other attempt gets it while this one lives. */
    private AttemptUids.Lease reacquireUid(AttemptRecord leftover) {
        if (leftover.uid() < 0 || host.attemptUids() == null) {
            return null;
        }
        try {
            AttemptUids.Lease lease = host.attemptUids().reacquire(leftover.uid()).orElse(null);
            if (lease == null) {
                log.warn("attempt {}: its uid {} is held by another worker or out of range", leftover.attemptId(),
                        leftover.uid());
            }
            return lease;
        } catch (IOException e) {
            log.warn("attempt {}: cannot lock its uid {} again: {}", leftover.attemptId(), leftover.uid(), e.toString());
            return null;
        }
    }

    /**
     * Gives an attempt's uid back once nothing runs under it: its working directory goes to the worker first, so
     * the next attempt given this uid cannot read what this one left there. A uid that still has processes stays
     * taken until this worker stops.
     */
    private void releaseUid(AttemptUids.Lease uid, TaskSandbox sandbox) {
        if (uid == null) {
            return;
        }
        if (AttemptUids.hasProcesses(uid.uid())) {
            log.warn("processes of uid {} outlived their attempt: the uid stays taken", uid.uid());
            return;
        }
        if (sandbox != null && Files.exists(sandbox.workDir(), LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.setAttribute(sandbox.workDir(), "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                log.warn("attempt {}: cannot take back its working directory ({}): uid {} stays taken",
                        sandbox.attemptId(), e.toString(), uid.uid());
                return;
            }
        }
        uid.close();
    }

    private Map<String, String> baseEnvironment(TaskSpec spec, TaskSandbox sandbox) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", options.path());
        env.put("LANG", options.lang());
        env.put("HOME", sandbox.workDir().toString());
        env.put("HOLON_TASK_INDEX", Integer.toString(spec.index()));
        env.put("HOLON_TASK_COUNT", Integer.toString(spec.count()));
        env.put("HOLON_JOB_ID", spec.jobId());
        env.put("HOLON_TASK_ID", spec.taskId());
        env.put(ATTEMPT_ID_VARIABLE, spec.attemptId());
        return env;
    }

    /** The spec's own variables go to the sandbox's last shell on stdin (see {@link SandboxCommand}). */
    private static void sendEnvironment(Process process, String attemptId, String script) {
        Thread.ofVirtual().name("holon-task-env-" + attemptId).start(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(script.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the sandbox ended before reading it (it could not start): its result says why
            }
        });
    }

    /** Why {@code program} cannot be executed with {@code path}, or null when it can. */
    static String missingExecutable(String program, String path, Path workDir) {
        if (program.contains("/")) {
            Path file = workDir.resolve(program);
            return Files.isRegularFile(file) && Files.isExecutable(file) ? null
                    : "not an executable file: " + program;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return null;
            }
        }
        return "command not found: " + program;
    }
}
