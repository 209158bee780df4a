package dev.holon.worker.chunks;

import dev.holon.worker.execution.RunningTask;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskResult;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.execution.TaskSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A task (its own uid, as when the worker runs as root) cannot read the replicas the worker stores. */
class ChunkIsolationTest {

    @TempDir
    Path temp;

    private TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        // The data dir itself is traversable, as a worker's is; the chunk directory below it is the worker's own.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        runner = new TaskRunner(SandboxOptions.defaults(temp.resolve("tasks")).withKillGrace(Duration.ofMillis(500)));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    @Test
    void aTaskUnderItsOwnUidCannotReadOrListAChunk() throws Exception {
        assumeTrue(runner.isolation().attemptUids(), "per-attempt uids not in effect: " + runner.isolation().describe());
        ChunkStore store = new ChunkStore(temp.resolve("chunks"));
        byte[] secret = "another tenant's data".getBytes(StandardCharsets.UTF_8);
        store.write("ab-secret", Checksums.of(secret), new ByteArrayInputStream(secret), 1024, null);
        Path chunk = store.dataFile("ab-secret");

        String script = "cat " + chunk + " && echo READ; ls " + store.root() + " && echo LISTED; exit 0";
        RunningTask task = runner.start(new TaskSpec("task-" + shortId(), "attempt-" + shortId(), "job-1", 0, 1,
                List.of("sh", "-c", script), Map.of(), 500, 64, null, "tenant-a"));
        TaskResult result = task.result().get(15, TimeUnit.SECONDS);

        assertThat(result.exitCode()).isZero();
        String stdout = Files.readString(task.sandbox().stdout());
        String stderr = Files.readString(task.sandbox().stderr());
        assertThat(stdout).doesNotContain("another tenant's data").doesNotContain("READ").doesNotContain("LISTED");
        assertThat(stderr).contains("Permission denied");
        assertThat(chunk).hasBinaryContent(secret); // the worker itself still reads it
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 13);
    }
}
