package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.NodeAssignments;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.worker.execution.ProcScan;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.execution.WorkerJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TaskAssignmentsTest {

    private static final String NODE = "node-a";

    @TempDir
    Path dir;

    private TaskRunner runner;
    private final List<TaskEvent> reports = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        runner = newRunner();
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private TaskRunner newRunner() {
        return new TaskRunner(SandboxOptions.defaults(dir.resolve("tasks")).withCgroups(false)
                .withPidNamespace(false).withTenantUsers(false).withKillGrace(Duration.ofMillis(200)));
    }

    private TaskAssignments assignments(TaskRunner runner) {
        return new TaskAssignments(NODE, runner, new FencingToken(dir.resolve("fencing-token")),
                (event, tenant) -> reports.add(event), Clock.systemUTC());
    }

    /** Starts run on the assignments' own threads: wait until this one has started (or failed to). */
    private void awaitStarted(String attemptId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.running().get(attemptId).isPresent()
                || runner.result(attemptId).isPresent());
    }

    private static AssignTask assign(String attemptId, long token, String... command) {
        return new AssignTask("task-1", attemptId, "job-1", 0, 1, NODE, token, List.of(command), Map.of(), 100, 64, 0,
                60, "tenant-a", List.of(), null);
    }

    @Test
    void runsAnAttemptAndReportsStartAndExit() {
        TaskAssignments assignments = assignments(runner);
        assertThat(assignments.assign(assign("att-1", 1, "sh", "-c", "exit 3"))).isEqualTo(TaskAssignments.Outcome.STARTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 2);
        assertThat(reports.getFirst()).isInstanceOf(TaskEvent.TaskStarted.class);
        TaskEvent.TaskExited exited = (TaskEvent.TaskExited) reports.get(1);
        assertThat(exited.exitCode()).isEqualTo(3);
        assertThat(exited.nodeId()).isEqualTo(NODE);
        assertThat(exited.jobId()).isEqualTo("job-1");
    }

    @Test
    void aRepeatedAssignmentDoesNotStartTwiceNotEvenAfterARestart() throws Exception {
        TaskAssignments assignments = assignments(runner);
        assertThat(assignments.assign(assign("att-2", 1, "sleep", "1"))).isEqualTo(TaskAssignments.Outcome.STARTED);
        assertThat(assignments.assign(assign("att-2", 1, "sleep", "1"))).isEqualTo(TaskAssignments.Outcome.DUPLICATE);
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 2);
        assertThat(assignments.assign(assign("att-2", 1, "sleep", "1"))).isEqualTo(TaskAssignments.Outcome.DUPLICATE);

        runner.close();
        runner = newRunner();
        TaskAssignments restarted = assignments(runner);
        assertThat(restarted.adoptLeftovers()).isZero();
        assertThat(restarted.assign(assign("att-2", 1, "sleep", "1"))).isEqualTo(TaskAssignments.Outcome.DUPLICATE);
        Thread.sleep(200);
        assertThat(reports).hasSize(2);
    }

    @Test
    void aLowerFencingTokenIsIgnoredAlsoAfterARestart() {
        TaskAssignments assignments = assignments(runner);
        assertThat(assignments.assign(assign("att-3", 5, "true"))).isEqualTo(TaskAssignments.Outcome.STARTED);
        assertThat(assignments.assign(assign("att-4", 4, "true"))).isEqualTo(TaskAssignments.Outcome.FENCED);
        assertThat(assignments(runner).assign(assign("att-4", 4, "true"))).isEqualTo(TaskAssignments.Outcome.FENCED);
        assertThat(assignments(runner).assign(assign("att-5", 5, "true"))).isEqualTo(TaskAssignments.Outcome.STARTED);
        awaitStarted("att-3");
        awaitStarted("att-5");
        assertThat(runner.options().root().resolve("att-4")).doesNotExist();
    }

    @Test
    void otherNodesAssignmentsAreIgnored() {
        TaskAssignments assignments = assignments(runner);
        assertThat(assignments.isForThisNode("node-b")).isFalse();
        AssignTask other = new AssignTask("t", "att-6", "j", 0, 1, "node-b", 1, List.of("true"), Map.of(), 100, 64, 0,
                0, "tenant-a", List.of(), null);
        assertThat(assignments.assign(other)).isEqualTo(TaskAssignments.Outcome.NOT_FOR_THIS_NODE);
        assertThat(reports).isEmpty();
    }

    @Test
    void cancelStopsTheRunningAttemptUnlessFenced() {
        TaskAssignments assignments = assignments(runner);
        assignments.assign(assign("att-7", 2, "sleep", "30"));
        awaitStarted("att-7");
        assertThat(assignments.cancel(new CancelTask("task-1", "att-7", NODE, 1, "stale"))).isFalse();
        assertThat(assignments.cancel(new CancelTask("task-1", "att-7", NODE, 2, "user"))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 2);
        TaskEvent.TaskExited exited = (TaskEvent.TaskExited) reports.get(1);
        assertThat(exited.reason()).isEqualTo("cancelled");
        assertThat(exited.exitCode()).isNotZero();
    }

    @Test
    void anInvalidAssignmentIsReportedAsFailedToStart() {
        TaskAssignments assignments = assignments(runner);
        AssignTask empty = new AssignTask("task-1", "att-8", "job-1", 0, 1, NODE, 1, List.of(), Map.of(), 100, 64, 0,
                0, "tenant-a", List.of(), null);
        assertThat(assignments.assign(empty)).isEqualTo(TaskAssignments.Outcome.INVALID);
        assertThat(((TaskEvent.TaskExited) reports.getFirst()).reason()).startsWith("failed to start: ");
    }

    private static NodeAssignments desired(long token, AssignTask... items) {
        return new NodeAssignments(NODE, token, Instant.now(), List.of(items));
    }

    @Test
    void startsAnAttemptOnlyTheDesiredStateListsEvenWhenAssignedUnderAnOlderEpoch() {
        TaskAssignments assignments = assignments(runner);
        assignments.assign(assign("att-9", 3, "true"));

        Convergence.Plan plan = assignments.converge(desired(3, assign("att-10", 2, "sh", "-c", "exit 4")));

        assertThat(plan.start()).extracting(AssignTask::attemptId).containsExactly("att-10");
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.stream()
                .anyMatch(e -> e instanceof TaskEvent.TaskExited x && x.attemptId().equals("att-10")));
        assertThat(reports).filteredOn(e -> e.attemptId().equals("att-10"))
                .hasExactlyElementsOfTypes(TaskEvent.TaskStarted.class, TaskEvent.TaskExited.class);
        assertThat(assignments.converge(desired(3, assign("att-10", 2, "sh", "-c", "exit 4"))).start()).isEmpty();
    }

    @Test
    void stopsAnAttemptMissingFromTwoAnswersAndReportsWhy() {
        TaskAssignments assignments = assignments(runner);
        assignments.assign(assign("att-11", 1, "sleep", "30"));
        awaitStarted("att-11");

        assertThat(assignments.converge(desired(1)).stop()).isEmpty();
        assertThat(runner.running().get("att-11")).hasValueSatisfying(task -> assertThat(task.isRunning()).isTrue());
        assertThat(assignments.converge(desired(1)).stop()).containsExactly("att-11");

        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 2);
        TaskEvent.TaskExited exited = (TaskEvent.TaskExited) reports.get(1);
        assertThat(exited.attemptId()).isEqualTo("att-11");
        assertThat(exited.reason()).isEqualTo("no longer assigned to this node");
        assertThat(exited.exitCode()).as("killed by SIGTERM").isEqualTo(128 + 15);
    }

    @Test
    void anAnswerOfADeposedSchedulerChangesNothing() {
        TaskAssignments assignments = assignments(runner);
        assignments.assign(assign("att-12", 7, "sleep", "30"));
        awaitStarted("att-12");

        assignments.converge(desired(6, assign("att-13", 6, "true")));
        assignments.converge(desired(6));

        assertThat(runner.running().get("att-12")).hasValueSatisfying(task -> assertThat(task.isRunning()).isTrue());
        assertThat(runner.hasRun("att-13")).isFalse();
    }

    @Test
    void reportsTheEndOfAnAttemptAgainWhileTheSchedulerStillListsIt() {
        TaskAssignments assignments = assignments(runner);
        AssignTask done = assign("att-14", 1, "sh", "-c", "exit 5");
        assignments.assign(done);
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() == 2);

        assignments.converge(desired(1, done));
        assignments.converge(desired(1, done));

        assertThat(reports).hasSize(3);
        TaskEvent.TaskExited again = (TaskEvent.TaskExited) reports.get(2);
        assertThat(again).isEqualTo(reports.get(1));
        assertThat(again.exitCode()).isEqualTo(5);
    }

    /**
     * The whole restart: a worker dies (SIGKILL) while two attempts run; the next worker process adopts both, goes on
     * reporting the one the scheduler still lists here until it exits, and stops the one no longer listed.
     */
    @Test
    void aRestartedWorkerAdoptsItsAttemptsReportsTheListedOnesEndAndKillsTheOther(@TempDir Path temp) throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x")); // task users pass through
        Path root = temp.resolve("tasks");
        Path log = temp.resolve("worker.log");
        String kept = "att-kept-" + UUID.randomUUID().toString().substring(0, 8);
        String dropped = "att-dropped-" + UUID.randomUUID().toString().substring(0, 8);
        Process worker = WorkerJvm.builder(log, "scripts", root.toString(), kept, "sleep 4; exit 6", dropped,
                "sleep 300").start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> WorkerJvm.log(log).contains(WorkerJvm.ALL_STARTED)
                    && !ProcScan.processesOf(kept).isEmpty() && !ProcScan.processesOf(dropped).isEmpty());
        } finally {
            worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ProcScan.processesOf(dropped)).as("outlives its worker: %s", WorkerJvm.log(log)).isNotEmpty();

        try (TaskRunner next = new TaskRunner(SandboxOptions.defaults(root).withKillGrace(Duration.ofMillis(500)))) {
            TaskAssignments restarted = new TaskAssignments(NODE, next, new FencingToken(temp.resolve("fencing-token")),
                    (event, tenant) -> reports.add(event), Clock.systemUTC());
            assertThat(restarted.adoptLeftovers()).isEqualTo(2);

            // the scheduler lists only `kept` here now (`dropped` was moved elsewhere meanwhile)
            AssignTask stillHere = new AssignTask("task-" + kept, kept, "j1", 0, 1, NODE, 1,
                    List.of("sh", "-c", "sleep 4; exit 6"), Map.of(), 100, 64, 0, 0, "tenant-a", List.of(), null);
            Convergence.Plan first = restarted.converge(desired(1, stillHere));
            assertThat(first.start()).as("adopted, so not started again").isEmpty();
            assertThat(first.stop()).as("one answer without it is no reason yet").isEmpty();
            assertThat(restarted.converge(desired(1, stillHere)).stop()).containsExactly(dropped);

            await().atMost(Duration.ofSeconds(20)).until(() -> exitOf(dropped) != null && exitOf(kept) != null);
            assertThat(exitOf(dropped).reason()).isEqualTo(TaskAssignments.NO_LONGER_ASSIGNED);
            assertThat(ProcScan.processesOf(dropped)).as("its whole tree is gone").isEmpty();
            assertThat(exitOf(kept).exitCode()).as("its own exit status, read after the restart").isEqualTo(6);
            assertThat(exitOf(kept).nodeId()).isEqualTo(NODE);
            assertThat(reports).as("adopted attempts are not reported as started again")
                    .noneMatch(TaskEvent.TaskStarted.class::isInstance);
            assertThat(next.leftovers()).isEmpty();
        }
    }

    private TaskEvent.TaskExited exitOf(String attemptId) {
        return reports.stream().filter(e -> e instanceof TaskEvent.TaskExited && e.attemptId().equals(attemptId))
                .map(TaskEvent.TaskExited.class::cast).findFirst().orElse(null);
    }
}
