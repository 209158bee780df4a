package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.staging.StorageFiles;
import dev.holon.worker.staging.TaskStaging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Task staging through the real assignment path and sandbox (without per-attempt uids), storage in memory. */
class StagedAssignmentsTest {

    @TempDir
    Path dir;

    private TaskRunner runner;
    private final List<TaskEvent> reports = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private volatile boolean storageDown;
    private volatile boolean uploadsRefused;

    private final StorageFiles storage = new StorageFiles() {
        @Override
        public void download(String path, Path target) throws FileMissing, IOException {
            if (storageDown) {
                throw new IOException("connection refused");
            }
            byte[] bytes = files.get(path);
            if (bytes == null) {
                throw new FileMissing(path);
            }
            Files.write(target, bytes);
        }

        @Override
        public void upload(Path source, String path) throws IOException {
            if (uploadsRefused) {
                throw new IOException(path + ": storage answered 403 quota exceeded");
            }
            files.put(path, Files.readAllBytes(source));
        }
    };

    @BeforeEach
    void setUp() {
        runner = new TaskRunner(SandboxOptions.defaults(dir.resolve("tasks")).withCgroups(false)
                .withPidNamespace(false).withTenantUsers(false).withKillGrace(Duration.ofMillis(200)));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private TaskAssignments assignments() {
        return new TaskAssignments("node-a", runner, new FencingToken(dir.resolve("fencing-token")),
                (event, tenant) -> reports.add(event), Clock.systemUTC(), new TaskStaging(storage));
    }

    private static AssignTask assign(String attemptId, int index, String script, List<String> inputs, String outputDir) {
        return new AssignTask("task-" + attemptId, attemptId, "job-1", index, 3, "node-a", 1,
                List.of("sh", "-c", script), Map.of(), 100, 64, 0, 60, "acme", inputs, outputDir);
    }

    private TaskEvent.TaskExited exitOf(String attemptId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> reports.stream()
                .anyMatch(r -> r instanceof TaskEvent.TaskExited e && e.attemptId().equals(attemptId)));
        return reports.stream().filter(r -> r instanceof TaskEvent.TaskExited e && e.attemptId().equals(attemptId))
                .map(r -> (TaskEvent.TaskExited) r).findFirst().orElseThrow();
    }

    private boolean started(String attemptId) {
        return reports.stream().anyMatch(r -> r instanceof TaskEvent.TaskStarted s && s.attemptId().equals(attemptId));
    }

    @Test
    void inputsAreInTheWorkDirBeforeTheStartAndOutputsAreStoredUnderTheTaskIndex() {
        files.put("/acme/in/words.txt", "one two three\n".getBytes(StandardCharsets.UTF_8));
        files.put("/acme/in/b.csv", "x".getBytes(StandardCharsets.UTF_8));
        assignments().assign(assign("att-1", 2, """
                wc -w < "$HOLON_INPUT_DIR/words.txt" | tr -d ' ' > "$HOLON_OUTPUT_DIR/count.txt"
                mkdir -p "$HOLON_OUTPUT_DIR/sub/deeper" && cat "$HOLON_INPUT_DIR/b.csv" > "$HOLON_OUTPUT_DIR/sub/deeper/b.csv"
                ln -s /etc/passwd "$HOLON_OUTPUT_DIR/leak"
                test "$HOLON_INPUT_DIR" = "$PWD/inputs" && test "$HOLON_OUTPUT_DIR" = "$PWD/outputs"
                """, List.of("/acme/in/words.txt", "/acme/in/b.csv"), "/acme/out/run1"));

        TaskEvent.TaskExited exited = exitOf("att-1");
        assertThat(exited.exitCode()).as(exited.reason()).isZero();
        assertThat(new String(files.get("/acme/out/run1/task-2/count.txt"), StandardCharsets.UTF_8)).isEqualTo("3\n");
        assertThat(files).containsKey("/acme/out/run1/task-2/sub/deeper/b.csv");
        assertThat(files.keySet()).noneMatch(path -> path.endsWith("/leak")); // a link is never followed
    }

    @Test
    void aMissingInputFailsTheAttemptWithoutStartingIt() {
        assignments().assign(assign("att-2", 0, "touch ran", List.of("/acme/in/missing.txt"), null));

        TaskEvent.TaskExited exited = exitOf("att-2");
        assertThat(exited.exitCode()).isEqualTo(TaskAssignments.NO_EXIT_CODE);
        assertThat(exited.reason()).isEqualTo("input /acme/in/missing.txt not found");
        assertThat(started("att-2")).isFalse();
        assertThat(dir.resolve("tasks/att-2/work/ran")).doesNotExist();
    }

    @Test
    void anUnreachableStorageFailsTheAttemptSoTheRetryRulesApply() {
        storageDown = true;
        assignments().assign(assign("att-3", 0, "true", List.of("/acme/in/a.txt"), null));

        TaskEvent.TaskExited exited = exitOf("att-3");
        assertThat(exited.exitCode()).isEqualTo(TaskAssignments.NO_EXIT_CODE);
        assertThat(exited.reason()).startsWith("input /acme/in/a.txt could not be fetched: connection refused");
    }

    @Test
    void anOutputThatCannotBeStoredFailsTheAttempt() {
        uploadsRefused = true;
        assignments().assign(assign("att-4", 1, "echo hi > \"$HOLON_OUTPUT_DIR/x.txt\"", List.of(), "/acme/out"));

        TaskEvent.TaskExited exited = exitOf("att-4");
        assertThat(exited.exitCode()).isEqualTo(TaskAssignments.NO_EXIT_CODE);
        assertThat(exited.reason()).startsWith("output upload failed: /acme/out/task-1/x.txt");
    }

    @Test
    void aFailedTaskStoresNothingAndKeepsItsExitCode() {
        assignments().assign(assign("att-5", 0, "echo hi > \"$HOLON_OUTPUT_DIR/x.txt\"; exit 3", List.of(), "/acme/out"));

        assertThat(exitOf("att-5").exitCode()).isEqualTo(3);
        assertThat(files).isEmpty();
    }
}
