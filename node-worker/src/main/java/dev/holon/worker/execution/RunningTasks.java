package dev.holon.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts this worker process runs now, by attempt id, and (through {@link #leftovers}) the attempts an
 * earlier worker process started under the same root and never saw end: the {@code attempt.properties} of each
 * attempt directory without a {@code result.properties}. A restarted worker hands those to
 * {@link TaskRunner#adopt} to watch (resume reporting) or cancel them. Thread-safe.
 */
public final class RunningTasks {

    private static final Logger log = LoggerFactory.getLogger(RunningTasks.class);

    private final ConcurrentHashMap<String, RunningTask> byAttempt = new ConcurrentHashMap<>();

    /** Registers {@code task}; false when another handle for the same attempt is registered. */
    boolean add(RunningTask task) {
        return byAttempt.putIfAbsent(task.attemptId(), task) == null;
    }

    void remove(RunningTask task) {
        byAttempt.remove(task.attemptId(), task);
    }

    public Optional<RunningTask> get(String attemptId) {
        return Optional.ofNullable(byAttempt.get(attemptId));
    }

    public List<RunningTask> all() {
        return List.copyOf(byAttempt.values());
    }

    public int size() {
        return byAttempt.size();
    }

    /** Attempts under {@code root} that have no result and are not run by this registry, oldest first. */
    public List<AttemptRecord> leftovers(Path root) {
        List<AttemptRecord> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String attemptId = dir.getFileName().toString();
                if (!TaskSpec.isSafeId(attemptId) || byAttempt.containsKey(attemptId)) {
                    continue;
                }
                TaskSandbox sandbox = TaskSandbox.of(root, attemptId);
                if (Files.exists(sandbox.resultFile()) || !Files.exists(sandbox.recordFile())) {
                    continue;
                }
                try {
                    found.add(AttemptRecord.read(sandbox.recordFile()));
                } catch (IOException e) {
                    log.warn("skipping attempt directory {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list attempts under {}: {}", root, e.toString());
        }
        found.sort(Comparator.comparing(AttemptRecord::startedAt));
        return found;
    }
}
