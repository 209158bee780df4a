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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/** Real processes in real sandboxes, with whatever isolation this host offers (see the log line of each runner). */
class TaskRunnerTest {

    private static final Duration ENDS_WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path temp;

    private Path root;
    private TaskRunner runner;

    @BeforeEach
    void setUp() throws IOException {
        // @TempDir is 0700; tasks of tenant users must be able to pass through to their working directory.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x"));
        root = temp.resolve("tasks");
        runner = new TaskRunner(SandboxOptions.defaults(root).withKillGrace(Duration.ofMillis(500)));
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    static TaskResult resultOf(RunningTask task) throws Exception {
        return task.result().get(ENDS_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void capturesStdoutAndStderrInFilesAndReportsTheExitCode() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "echo out; echo err >&2"));

        TaskResult result = resultOf(task);

        assertThat(result.exitCode()).isZero();
        assertThat(result.reason()).isNull();
        assertThat(result.succeeded()).isTrue();
        assertThat(result.finishedAt()).isAfterOrEqualTo(result.startedAt());
        assertThat(Files.readString(task.sandbox().stdout())).isEqualTo("out\n");
        assertThat(Files.readString(task.sandbox().stderr())).isEqualTo("err\n");
        assertThat(task.pid()).isPositive();
        assertThat(runner.running().get(task.attemptId())).isEmpty();
    }

    @Test
    void aNonZeroExitGivesReasonExitCodeN() throws Exception {
        TaskResult result = resultOf(runner.start(Specs.of("sh", "-c", "exit 3")));

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.reason()).isEqualTo("exit code 3");
    }

    @Test
    void theWorkingDirectoryIsPrivateAndIsHome() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "pwd; echo $HOME; touch made-here"));

        resultOf(task);

        Path work = task.sandbox().workDir();
        assertThat(Files.readString(task.sandbox().stdout())).isEqualTo(work + "\n" + work + "\n");
        assertThat(work.resolve("made-here")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(task.sandbox().stdout())))
                .isEqualTo("rw-------");
    }

    @Test
    void theTaskSeesOnlyTheCleanEnvironmentItsIndexAndItsOwnVariables() throws Exception {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("GREETING", "it's a \"quoted\" $HOME `date` value\nwith a second line");
        own.put("HOME", "/somewhere/else");
        own.put("HOLON_TASK_INDEX", "99");
        RunningTask task = runner.start(Specs.of(own, null, "env", "-0"));

        assertThat(resultOf(task).succeeded()).isTrue();

        Map<String, String> seen = new LinkedHashMap<>();
        for (String entry : Files.readString(task.sandbox().stdout()).split("\0")) {
            int eq = entry.indexOf('=');
            seen.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        assertThat(new TreeSet<>(seen.keySet())).containsExactly("GREETING", "HOLON_ATTEMPT_ID", "HOLON_JOB_ID",
                "HOLON_TASK_COUNT", "HOLON_TASK_ID", "HOLON_TASK_INDEX", "HOME", "LANG", "PATH");
        assertThat(seen).containsEntry("HOLON_TASK_INDEX", "2").containsEntry("HOLON_TASK_COUNT", "5")
                .containsEntry("HOLON_JOB_ID", "job-1").containsEntry("HOLON_ATTEMPT_ID", task.attemptId())
                .containsEntry("HOME", task.sandbox().workDir().toString())
                .containsEntry("PATH", SandboxOptions.DEFAULT_PATH)
                .containsEntry("GREETING", own.get("GREETING"));
    }

    @Test
    void aTaskMayChangeItsPathButNotTheSandboxesPrograms() throws Exception {
        TaskResult result = resultOf(runner.start(Specs.of(Map.of("PATH", "/nonexistent"), null, "ls")));

        assertThat(result.reason()).isEqualTo("failed to start: command not found: ls");
        assertThat(result.exitCode()).isNull();

        RunningTask absolute = runner.start(Specs.of(Map.of("PATH", "/nonexistent", "LD_PRELOAD", "/nonexistent.so"),
                null, "/bin/sh", "-c", "echo $PATH"));
        assertThat(resultOf(absolute).succeeded()).isTrue();
        assertThat(Files.readString(absolute.sandbox().stdout())).isEqualTo("/nonexistent\n");
    }

    @Test
    void anUnknownCommandFailsToStart() throws Exception {
        TaskResult result = resultOf(runner.start(Specs.of("no-such-program-here")));

        assertThat(result.reason()).isEqualTo("failed to start: command not found: no-such-program-here");
        assertThat(result.exitCode()).isNull();
    }

    @Test
    void aTimeoutKillsTheWholeTreeAndSaysTimeout() throws Exception {
        RunningTask task = runner.start(Specs.withTimeout(Duration.ofMillis(500),
                "sh", "-c", "sleep 60 & sleep 60"));
        await().atMost(ENDS_WITHIN).until(() -> countSleeps(task) == 2);

        TaskResult result = resultOf(task);

        assertThat(result.reason()).isEqualTo("timeout");
        assertThat(ProcScan.processesOf(task.attemptId())).isEmpty();
    }

    @Test
    void cancelKillsTheWholeTreeAndSaysCancelled() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "sleep 60 & sleep 60 & wait"));
        await().atMost(ENDS_WITHIN).until(() -> countSleeps(task) == 2);
        List<Long> tree = ProcScan.processesOf(task.attemptId());

        assertThat(task.cancel()).isTrue();
        TaskResult result = resultOf(task);

        assertThat(result.reason()).isEqualTo("cancelled");
        assertThat(task.cancel()).isFalse();
        assertThat(ProcScan.processesOf(task.attemptId())).isEmpty();
        assertThat(tree).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    }

    @Test
    void sigtermReachesTheTaskFirstSoItCanStopCleanly() throws Exception {
        TaskRunner patient = new TaskRunner(SandboxOptions.defaults(temp.resolve("patient")));
        try {
            RunningTask task = patient.start(Specs.of("sh", "-c",
                    "trap 'echo got TERM; exit 7' TERM; echo ready; sleep 60 & wait"));
            await().atMost(ENDS_WITHIN).until(() -> Files.readString(task.sandbox().stdout()).contains("ready"));

            task.cancel();
            TaskResult result = resultOf(task);

            assertThat(result.reason()).isEqualTo("cancelled");
            assertThat(result.exitCode()).isEqualTo(7);
            assertThat(Files.readString(task.sandbox().stdout())).contains("got TERM");
        } finally {
            patient.close();
        }
    }

    @Test
    void aTaskThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "trap '' TERM; echo ready; sleep 60"));
        await().atMost(ENDS_WITHIN).until(() -> Files.readString(task.sandbox().stdout()).contains("ready"));

        task.cancel();
        TaskResult result = resultOf(task);

        assertThat(result.reason()).isEqualTo("cancelled");
        assertThat(ProcScan.processesOf(task.attemptId())).isEmpty();
    }

    @Test
    void processesLeftBehindByTheTaskAreKilledWhenItEnds() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "sleep 60 & echo started"));

        TaskResult result = resultOf(task);

        assertThat(result.succeeded()).isTrue();
        assertThat(ProcScan.processesOf(task.attemptId())).isEmpty();
    }

    @Test
    void allocatingBeyondTheMemoryLimitIsReportedAsOutOfMemory() throws Exception {
        TaskResult result = resultOf(runner.start(
                Specs.of("python3", "-c", "b = bytearray(512 * 1024 * 1024)")));

        assertThat(result.reason()).as("with %s", runner.isolation().memory()).isEqualTo("out of memory");
        if (runner.isolation().memoryByCgroup()) {
            assertThat(result.exitCode()).isEqualTo(128 + 9);
            assertThat(result.usage().peakMemoryBytes()).isLessThanOrEqualTo(64L * 1024 * 1024);
        }
    }

    @Test
    void aPipelineBeyondTheMemoryLimitIsReportedAsOutOfMemory() throws Exception {
        TaskResult result = resultOf(runner.start(Specs.of("sh", "-c", "head -c 600M /dev/zero | tail")));

        assertThat(result.reason()).as("with %s", runner.isolation().memory()).isEqualTo("out of memory");
    }

    @Test
    void aTaskWithinItsLimitsReportsItsUsage() throws Exception {
        TaskResult result = resultOf(runner.start(
                Specs.of("python3", "-c", "b = bytearray(16 * 1024 * 1024); sum(range(2000000))")));

        assertThat(result.succeeded()).isTrue();
        if (runner.isolation().memoryByCgroup()) {
            assertThat(result.usage().peakMemoryBytes()).isGreaterThan(16L * 1024 * 1024);
        }
        if (runner.isolation().cpu() != Isolation.CpuLimit.NONE) {
            assertThat(result.usage().cpuTime()).isPositive();
        }
    }

    @Test
    void severalThreadsMayStartTasksAtOnce() throws Exception {
        List<CompletableFuture<RunningTask>> started = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 8; i++) {
                TaskSpec spec = Specs.of("sh", "-c", "echo $HOLON_ATTEMPT_ID");
                started.add(CompletableFuture.supplyAsync(() -> runner.start(spec), threads));
            }
            for (CompletableFuture<RunningTask> future : started) {
                RunningTask task = future.get(ENDS_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(resultOf(task).succeeded()).isTrue();
                assertThat(Files.readString(task.sandbox().stdout())).isEqualTo(task.attemptId() + "\n");
            }
        }
        assertThat(runner.running().size()).isZero();
    }

    @Test
    void anAttemptStartedTwiceRunsOnce() throws Exception {
        TaskSpec spec = Specs.of("sleep", "60");
        RunningTask first = runner.start(spec);

        assertThat(runner.start(spec)).isSameAs(first);
        first.cancel();
        resultOf(first);

        TaskResult again = resultOf(runner.start(spec));
        assertThat(again.reason()).startsWith("failed to start: attempt " + spec.attemptId() + " already has a sandbox");
        assertThat(AttemptRecord.readResult(first.sandbox().resultFile()).orElseThrow().reason()).isEqualTo("cancelled");
    }

    @Test
    void aRestartedWorkerFindsARunningAttemptAndCanCancelIt() throws Exception {
        RunningTask original = runner.start(Specs.of("sh", "-c", "sleep 60 & sleep 60"));
        await().atMost(ENDS_WITHIN).until(() -> countSleeps(original) == 2);

        try (TaskRunner restarted = new TaskRunner(runner.options().withKillGrace(Duration.ofMillis(500)))) {
            List<AttemptRecord> leftovers = restarted.leftovers();
            assertThat(leftovers).extracting(AttemptRecord::attemptId).containsExactly(original.attemptId());
            assertThat(leftovers.getFirst().liveRoot()).isPresent();

            RunningTask adopted = restarted.adopt(leftovers.getFirst());
            assertThat(adopted.pid()).isEqualTo(original.pid());
            adopted.cancel();

            assertThat(resultOf(adopted).reason()).isEqualTo("cancelled");
            assertThat(ProcScan.processesOf(original.attemptId())).isEmpty();
            assertThat(restarted.leftovers()).isEmpty();
        }
    }

    @Test
    void aRestartedWorkerLearnsTheExitCodeOfAnAttemptThatEndedMeanwhile() throws Exception {
        RunningTask task = runner.start(Specs.of("sh", "-c", "exit 4"));
        resultOf(task);
        Files.delete(task.sandbox().resultFile()); // as if the worker died before it saw the end

        try (TaskRunner restarted = new TaskRunner(runner.options())) {
            AttemptRecord leftover = restarted.leftovers().getFirst();
            assertThat(leftover.liveRoot()).isEmpty();

            TaskResult result = resultOf(restarted.adopt(leftover));

            assertThat(result.exitCode()).isEqualTo(4);
            assertThat(result.reason()).isEqualTo("exit code 4");
        }
    }

    @Test
    void anAttemptWhosePidWasNeverRecordedIsStoppedByTheNextWorker() throws Exception {
        RunningTask original = runner.start(Specs.of("sh", "-c", "sleep 60 & sleep 60"));
        await().atMost(ENDS_WITHIN).until(() -> countSleeps(original) == 2);
        AttemptRecord full = AttemptRecord.read(original.sandbox().recordFile());
        new AttemptRecord(full.attemptId(), full.taskId(), full.jobId(), full.index(), full.count(), full.tenant(),
                full.startedAt(), full.timeout(), -1, null, full.namespaces(), full.memoryLimit(), full.cgroups(),
                full.user(), full.uid()).write(original.sandbox().recordFile()); // as if the worker died right after the start

        try (TaskRunner restarted = new TaskRunner(runner.options())) {
            AttemptRecord leftover = restarted.leftovers().getFirst();
            assertThat(leftover.liveRoot()).isEmpty();

            TaskResult result = resultOf(restarted.adopt(leftover));

            assertThat(result.succeeded()).isFalse();
            assertThat(ProcScan.processesOf(original.attemptId())).isEmpty();
        }
    }

    @Test
    void cgroupLimitsAreSetForTheTask() throws Exception {
        assumeTrue(runner.isolation().memory() == Isolation.MemoryLimit.CGROUP_V1,
                "cgroup v1 not in effect: " + runner.isolation().describe());
        RunningTask task = runner.start(Specs.of("sh", "-c", "cat /proc/self/cgroup; sleep 60"));
        await().atMost(ENDS_WITHIN).until(() -> Files.readString(task.sandbox().stdout()).contains("memory"));
        AttemptRecord record = AttemptRecord.read(task.sandbox().recordFile());

        Path memory = record.cgroups().stream().filter(d -> Files.exists(d.resolve("memory.limit_in_bytes")))
                .findFirst().orElseThrow();
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(
                Long.toString(64L * 1024 * 1024));
        assertThat(Files.readString(task.sandbox().stdout())).contains(task.attemptId());
        if (runner.isolation().cpu() == Isolation.CpuLimit.CGROUP_V1) {
            Path cpu = record.cgroups().stream().filter(d -> Files.exists(d.resolve("cpu.cfs_quota_us")))
                    .findFirst().orElseThrow();
            assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim()).isEqualTo("50000");
        }
        task.cancel();
        resultOf(task);
        assertThat(record.cgroups()).allSatisfy(dir -> assertThat(dir).doesNotExist());
    }

    private static long countSleeps(RunningTask task) {
        return ProcScan.processesOf(task.attemptId()).stream()
                .map(ProcessHandle::of).flatMap(Optional::stream)
                .filter(p -> p.info().command().orElse("").endsWith("/sleep"))
                .count();
    }
}
