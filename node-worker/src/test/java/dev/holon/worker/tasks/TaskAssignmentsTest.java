package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import dev.holon.contracts.task.CancelTask;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    private static AssignTask assign(String attemptId, long token, String... command) {
        return new AssignTask("task-1", attemptId, "job-1", 0, 1, NODE, token, List.of(command), Map.of(), 100, 64, 0,
                60, "tenant-a");
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
        assertThat(runner.options().root().resolve("att-4")).doesNotExist();
    }

    @Test
    void otherNodesAssignmentsAreIgnored() {
        TaskAssignments assignments = assignments(runner);
        assertThat(assignments.isForThisNode("node-b")).isFalse();
        AssignTask other = new AssignTask("t", "att-6", "j", 0, 1, "node-b", 1, List.of("true"), Map.of(), 100, 64, 0,
                0, "tenant-a");
        assertThat(assignments.assign(other)).isEqualTo(TaskAssignments.Outcome.NOT_FOR_THIS_NODE);
        assertThat(reports).isEmpty();
    }

    @Test
    void cancelStopsTheRunningAttemptUnlessFenced() {
        TaskAssignments assignments = assignments(runner);
        assignments.assign(assign("att-7", 2, "sleep", "30"));
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
                0, "tenant-a");
        assertThat(assignments.assign(empty)).isEqualTo(TaskAssignments.Outcome.INVALID);
        assertThat(((TaskEvent.TaskExited) reports.getFirst()).reason()).startsWith("failed to start: ");
    }
}
