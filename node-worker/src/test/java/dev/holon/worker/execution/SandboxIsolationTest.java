package dev.holon.worker.execution;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What keeps tasks apart: per-tenant users, the PID namespace, and what is left when a host offers none of it
 * (each mechanism-specific test is skipped with the reason when the mechanism is not in effect here).
 */
class SandboxIsolationTest {

    private static final long ENDS_WITHIN_MS = 15_000;

    @TempDir
    Path temp;

    private TaskRunner runner;

    @BeforeEach
    void setUp() throws IOException {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        runner = new TaskRunner(SandboxOptions.defaults(temp.resolve("tasks")).withKillGrace(Duration.ofMillis(500)));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private static TaskResult resultOf(RunningTask task) throws Exception {
        return task.result().get(ENDS_WITHIN_MS, TimeUnit.MILLISECONDS);
    }

    @Test
    void eachAttemptRunsUnderItsOwnUnprivilegedUidInItsTenantsGroup() throws Exception {
        assumeTrue(runner.isolation().attemptUids(), "per-attempt uids not in effect: " + runner.isolation().describe());
        RunningTask a1 = runner.start(Specs.forTenant("tenant-a", "sh", "-c", "id -u; id -g; sleep 60"));
        RunningTask a2 = runner.start(Specs.forTenant("tenant-a", "sh", "-c", "id -u; id -g; sleep 60"));
        RunningTask b = runner.start(Specs.forTenant("tenant-b", "sh", "-c", "id -u; id -g; sleep 60"));
        for (RunningTask task : List.of(a1, a2, b)) {
            await().atMost(Duration.ofMillis(ENDS_WITHIN_MS)).until(() -> Files.readAllLines(task.sandbox().stdout()).size() == 2);
        }

        List<String> idsA1 = Files.readAllLines(a1.sandbox().stdout());
        List<String> idsA2 = Files.readAllLines(a2.sandbox().stdout());
        List<String> idsB = Files.readAllLines(b.sandbox().stdout());
        assertThat(List.of(idsA1.getFirst(), idsA2.getFirst(), idsB.getFirst())).doesNotHaveDuplicates()
                .doesNotContain("0");
        assertThat(idsA2.get(1)).as("same tenant, same group").isEqualTo(idsA1.get(1)).isNotEqualTo("0");
        assertThat(idsB.get(1)).isNotEqualTo(idsA1.get(1)).isNotEqualTo("0");
        assertThat(Files.getAttribute(a1.sandbox().workDir(), "unix:uid")).isEqualTo(Integer.parseInt(idsA1.getFirst()));

        for (RunningTask task : List.of(a1, a2, b)) {
            task.cancel();
            resultOf(task);
        }
        assertThat(Files.getAttribute(a1.sandbox().workDir(), "unix:uid"))
                .as("an ended attempt's directory goes back to the worker before its uid is reused").isEqualTo(0);
    }

    @Test
    void aTaskCannotReadTheWorkingDirectoryOfAnotherTaskOfTheSameTenant() throws Exception {
        assumeTrue(runner.isolation().attemptUids(), "per-attempt uids not in effect: " + runner.isolation().describe());
        RunningTask owner = runner.start(Specs.forTenant("tenant-a", "sh", "-c", "echo secret > mine.txt; sleep 60"));
        Path secret = owner.sandbox().workDir().resolve("mine.txt");
        await().atMost(Duration.ofMillis(ENDS_WITHIN_MS)).until(() -> Files.exists(secret));

        RunningTask reader = runner.start(Specs.forTenant("tenant-a", "cat", secret.toString()));

        assertThat(resultOf(reader).reason()).isEqualTo("exit code 1");
        assertThat(Files.readString(reader.sandbox().stderr())).contains("Permission denied");
        assertThat(Files.readString(reader.sandbox().stdout())).isEmpty();
        owner.cancel();
        resultOf(owner);

        RunningTask later = runner.start(Specs.forTenant("tenant-a", "cat", secret.toString()));
        assertThat(resultOf(later).succeeded()).as("nor after it ended").isFalse();
        assertThat(Files.readString(later.sandbox().stdout())).isEmpty();
    }

    @Test
    void aTaskCannotReadAnotherTenantsWorkingDirectoryNorListTheSandboxes() throws Exception {
        assumeTrue(runner.isolation().tenantUsers(), "per-tenant users not in effect: " + runner.isolation().describe());
        RunningTask owner = runner.start(Specs.forTenant("tenant-a", "sh", "-c", "echo secret > mine.txt; sleep 60"));
        Path secret = owner.sandbox().workDir().resolve("mine.txt");
        await().atMost(Duration.ofMillis(ENDS_WITHIN_MS)).until(() -> Files.exists(secret));

        RunningTask reader = runner.start(Specs.forTenant("tenant-b", "cat", secret.toString()));
        RunningTask lister = runner.start(Specs.forTenant("tenant-b", "ls", runner.options().root().toString()));

        TaskResult read = resultOf(reader);
        assertThat(read.reason()).isEqualTo("exit code 1");
        assertThat(Files.readString(reader.sandbox().stderr())).contains("Permission denied");
        assertThat(Files.readString(reader.sandbox().stdout())).isEmpty();
        TaskResult listed = resultOf(lister);
        assertThat(listed.succeeded()).isFalse();
        assertThat(Files.readString(lister.sandbox().stderr())).contains("Permission denied");
        owner.cancel();
        resultOf(owner);
    }

    @Test
    void aTaskCannotReadTheLogsOfAnotherTask() throws Exception {
        assumeTrue(runner.isolation().tenantUsers(), "per-tenant users not in effect: " + runner.isolation().describe());
        RunningTask first = runner.start(Specs.forTenant("tenant-a", "echo", "private output"));
        resultOf(first);

        RunningTask second = runner.start(Specs.forTenant("tenant-a", "cat", first.sandbox().stdout().toString()));

        assertThat(resultOf(second).succeeded()).isFalse();
        assertThat(Files.readString(second.sandbox().stderr())).contains("Permission denied");
    }

    @Test
    void theTaskHasItsOwnPidNamespaceAndProcessTable() throws Exception {
        assumeTrue(runner.isolation().pidNamespace(), "no PID namespace: " + runner.isolation().describe());
        RunningTask task = runner.start(Specs.of("sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; ls /proc | grep -c '^[0-9]'"));

        assertThat(resultOf(task).succeeded()).isTrue();

        List<String> lines = Files.readAllLines(task.sandbox().stdout());
        assertThat(String.join("\n", lines)).as("pid 1 is the sandbox's init").contains("holon-init");
        assertThat(Integer.parseInt(lines.getLast())).as("processes it can see").isLessThanOrEqualTo(5);
    }

    @Test
    void withoutCgroupsNamespacesAndUsersTheTreeIsStillKilledAndMemoryStillLimited() throws Exception {
        try (TaskRunner bare = new TaskRunner(new SandboxOptions(temp.resolve("bare"), Duration.ofMillis(500), null,
                null, false, false, false, null, null))) {
            assertThat(bare.isolation().memory()).isEqualTo(Isolation.MemoryLimit.PRLIMIT_ADDRESS_SPACE);
            assertThat(bare.isolation().namespaces()).isEqualTo(Isolation.Namespaces.NONE);
            assertThat(bare.isolation().tenantUsers()).isFalse();

            // The subshell exits at once, so the first sleep leaves the task's process tree.
            RunningTask task = bare.start(Specs.withTimeout(Duration.ofMillis(500),
                    "sh", "-c", "(sleep 60 &); sleep 60"));
            await().atMost(Duration.ofMillis(ENDS_WITHIN_MS))
                    .until(() -> ProcScan.processesOf(task.attemptId()).size() >= 3);
            assertThat(resultOf(task).reason()).isEqualTo("timeout");
            assertThat(ProcScan.processesOf(task.attemptId())).isEmpty();

            RunningTask hungry = bare.start(Specs.of("python3", "-c", "b = bytearray(512 * 1024 * 1024)"));
            TaskResult result = resultOf(hungry);
            assertThat(result.reason()).isEqualTo("out of memory");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(Files.readString(hungry.sandbox().stderr())).contains("MemoryError");
            assertThat(result.usage()).isEqualTo(ResourceUsage.UNKNOWN);
        }
    }
}
