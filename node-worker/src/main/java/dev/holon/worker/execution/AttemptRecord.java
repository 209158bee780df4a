package dev.holon.worker.execution;

import dev.holon.worker.PrivateFile;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * What a worker must know to find a running attempt again after it restarted: ids, the sandbox's root process
 * (pid and start time, so a reused pid is never mistaken for it), its cgroups and the isolation it ran with.
 * Kept in {@code attempt.properties} (0600), written atomically just before the attempt starts (pid -1) and again
 * with its pid; the command and env are not kept (they may hold the user's secrets). {@code result.properties} holds the {@link TaskResult} at the end.
 */
public record AttemptRecord(
        String attemptId,
        String taskId,
        String jobId,
        int index,
        int count,
        String tenant,
        Instant startedAt,
        Duration timeout,
        long pid,
        Instant pidStartedAt,
        Isolation.Namespaces namespaces,
        Isolation.MemoryLimit memoryLimit,
        List<Path> cgroups,
        String user,
        int uid) {

    public AttemptRecord {
        cgroups = List.copyOf(cgroups);
    }

    static AttemptRecord of(TaskSpec spec, Instant startedAt, ProcessHandle root, Isolation isolation,
                            TaskCgroup cgroup, TenantUsers.UnixUser user) {
        return new AttemptRecord(spec.attemptId(), spec.taskId(), spec.jobId(), spec.index(), spec.count(),
                spec.tenant(), startedAt, spec.timeout(), root == null ? -1 : root.pid(),
                root == null ? null : root.info().startInstant().orElse(null), isolation.namespaces(), isolation.memory(),
                cgroup == null ? List.of() : cgroup.directories(), user == null ? null : user.name(),
                user == null ? -1 : user.uid());
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("attemptId", attemptId);
        p.setProperty("taskId", taskId);
        p.setProperty("jobId", jobId);
        p.setProperty("index", Integer.toString(index));
        p.setProperty("count", Integer.toString(count));
        p.setProperty("tenant", tenant);
        p.setProperty("startedAt", startedAt.toString());
        if (timeout != null) {
            p.setProperty("timeout", timeout.toString());
        }
        p.setProperty("pid", Long.toString(pid));
        if (pidStartedAt != null) {
            p.setProperty("pidStartedAt", pidStartedAt.toString());
        }
        p.setProperty("namespaces", namespaces.name());
        p.setProperty("memoryLimit", memoryLimit.name());
        p.setProperty("cgroups", String.join(":", cgroups.stream().map(Path::toString).toList()));
        if (user != null) {
            p.setProperty("user", user);
        }
        p.setProperty("uid", Integer.toString(uid));
        store(p, file);
    }

    static AttemptRecord read(Path file) throws IOException {
        Properties p = load(file);
        try {
            String cgroups = p.getProperty("cgroups", "");
            return new AttemptRecord(p.getProperty("attemptId"), p.getProperty("taskId"), p.getProperty("jobId"),
                    Integer.parseInt(p.getProperty("index")), Integer.parseInt(p.getProperty("count")),
                    p.getProperty("tenant"), Instant.parse(p.getProperty("startedAt")),
                    p.containsKey("timeout") ? Duration.parse(p.getProperty("timeout")) : null,
                    Long.parseLong(p.getProperty("pid")),
                    p.containsKey("pidStartedAt") ? Instant.parse(p.getProperty("pidStartedAt")) : null,
                    Isolation.Namespaces.valueOf(p.getProperty("namespaces")),
                    Isolation.MemoryLimit.valueOf(p.getProperty("memoryLimit")),
                    cgroups.isEmpty() ? List.of() : Arrays.stream(cgroups.split(":")).map(Path::of).toList(),
                    p.getProperty("user"), Integer.parseInt(p.getProperty("uid", "-1")));
        } catch (RuntimeException e) {
            throw new IOException("unreadable attempt record " + file + ": " + e, e);
        }
    }

    /**
     * The sandbox's root process, if it still runs: same pid and same start time. Empty also when the worker died
     * between writing the record (before the start, pid -1) and completing it.
     */
    Optional<ProcessHandle> liveRoot() {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(handle -> pidStartedAt == null
                || handle.info().startInstant().map(pidStartedAt::equals).orElse(false));
    }

    static void writeResult(Path file, TaskResult result) throws IOException {
        Properties p = new Properties();
        p.setProperty("attemptId", result.attemptId());
        if (result.exitCode() != null) {
            p.setProperty("exitCode", result.exitCode().toString());
        }
        if (result.reason() != null) {
            p.setProperty("reason", result.reason());
        }
        p.setProperty("startedAt", result.startedAt().toString());
        p.setProperty("finishedAt", result.finishedAt().toString());
        if (result.usage().cpuTime() != null) {
            p.setProperty("cpuTimeNanos", Long.toString(result.usage().cpuTime().toNanos()));
        }
        if (result.usage().peakMemoryBytes() != null) {
            p.setProperty("peakMemoryBytes", result.usage().peakMemoryBytes().toString());
        }
        store(p, file);
    }

    static Optional<TaskResult> readResult(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Properties p = load(file);
            return Optional.of(new TaskResult(p.getProperty("attemptId"),
                    p.containsKey("exitCode") ? Integer.valueOf(p.getProperty("exitCode")) : null,
                    p.getProperty("reason"), Instant.parse(p.getProperty("startedAt")),
                    Instant.parse(p.getProperty("finishedAt")),
                    new ResourceUsage(
                            p.containsKey("cpuTimeNanos") ? Duration.ofNanos(Long.parseLong(p.getProperty("cpuTimeNanos"))) : null,
                            p.containsKey("peakMemoryBytes") ? Long.valueOf(p.getProperty("peakMemoryBytes")) : null)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void store(Properties p, Path file) throws IOException {
        StringWriter text = new StringWriter();
        try {
            p.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivateFile.write(file, text.toString());
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return p;
    }
}
