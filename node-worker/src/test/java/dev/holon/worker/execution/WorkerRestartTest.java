package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker process that dies (SIGKILL) leaves its task running; the next worker process finds and stops it. */
class WorkerRestartTest {

    @Test
    void theNextWorkerAdoptsTheTaskOfAKilledWorkerAndCanCancelIt(@TempDir Path temp) throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        Path root = temp.resolve("tasks");
        Path log = temp.resolve("worker.log");
        String attempt = "attempt-" + Specs.shortId();
        Process worker = WorkerJvm.builder(log, "hang", root.toString(), attempt).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcScan.processesOf(attempt).size() >= 3
                    && WorkerJvm.log(log).contains("started: pid"));
        } finally {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<Long> task = ProcScan.processesOf(attempt);
        assertThat(task).as("the task outlives its worker; worker log: %s", WorkerJvm.log(log)).isNotEmpty();

        try (TaskRunner next = new TaskRunner(SandboxOptions.defaults(root).withKillGrace(Duration.ofMillis(500)))) {
            List<AttemptRecord> leftovers = next.leftovers();
            assertThat(leftovers).extracting(AttemptRecord::attemptId).containsExactly(attempt);
            assertThat(leftovers.getFirst().liveRoot()).isPresent();

            int uid = leftovers.getFirst().uid();
            AttemptUids others = next.isolation().attemptUids() ? new AttemptUids(next.options().attemptUids()) : null;

            RunningTask adopted = next.adopt(leftovers.getFirst());
            assertThat(adopted.isRunning()).isTrue();
            if (others != null) {
                assertThat(others.reacquire(uid)).as("the adopting worker holds the task's uid again").isEmpty();
            }
            adopted.cancel();
            TaskResult result = adopted.result().get(20, TimeUnit.SECONDS);

            assertThat(result.reason()).isEqualTo("cancelled");
            assertThat(ProcScan.processesOf(attempt)).isEmpty();
            assertThat(next.leftovers()).isEmpty();
            if (others != null) {
                assertThat(Files.getAttribute(adopted.sandbox().workDir(), "unix:uid")).isEqualTo(0);
                others.reacquire(uid).orElseThrow().close();
            }
        }
    }
}
