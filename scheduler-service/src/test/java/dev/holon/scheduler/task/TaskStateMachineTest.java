package dev.holon.scheduler.task;

import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.task.TaskStateMachine.Input;
import dev.holon.scheduler.task.TaskStateMachine.Outcome;
import dev.holon.scheduler.task.TaskStateMachine.Status;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TaskStateMachineTest {

    private final AtomicInteger ids = new AtomicInteger();

    private String newId() {
        return "a" + ids.incrementAndGet();
    }

    private Outcome apply(Status status, Input input) {
        return TaskStateMachine.apply(status, input, this::newId);
    }

    @Test
    void runsATaskToSuccess() {
        Status s = Status.initial("a0", 0);
        s = apply(s, new Input.Schedule("n1")).status();
        assertThat(s.state()).isEqualTo(TaskState.SCHEDULED);
        assertThat(s.nodeId()).isEqualTo("n1");
        s = apply(s, new Input.Start("a0")).status();
        assertThat(s.state()).isEqualTo(TaskState.RUNNING);
        Outcome done = apply(s, new Input.Exit("a0", 0, null));
        assertThat(done.status().state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(done.steps()).extracting(TaskStateMachine.Step::to).containsExactly(TaskState.SUCCEEDED);
    }

    @Test
    void aFailureWithRetriesLeftStartsANewAttemptAndConsumesARetry() {
        Status s = apply(apply(Status.initial("a0", 1), new Input.Schedule("n1")).status(), new Input.Start("a0")).status();
        Outcome failed = apply(s, new Input.Exit("a0", 3, null));
        assertThat(failed.status().state()).isEqualTo(TaskState.PENDING);
        assertThat(failed.status().attempt()).isEqualTo(2);
        assertThat(failed.status().attemptId()).isNotEqualTo("a0");
        assertThat(failed.status().retriesUsed()).isEqualTo(1);
        assertThat(failed.steps()).extracting(TaskStateMachine.Step::to).containsExactly(TaskState.FAILED, TaskState.PENDING);
        assertThat(failed.steps().getFirst().reason()).contains("code 3");

        Status second = apply(apply(failed.status(), new Input.Schedule("n2")).status(),
                new Input.Start(failed.status().attemptId())).status();
        Outcome again = apply(second, new Input.Exit(second.attemptId(), 1, "killed"));
        assertThat(again.status().state()).isEqualTo(TaskState.FAILED);
        assertThat(again.status().finished()).isTrue();
    }

    @Test
    void aLostAttemptIsRetriedWithoutConsumingARetry() {
        Status s = apply(Status.initial("a0", 0), new Input.Schedule("n1")).status();
        Outcome lost = apply(s, new Input.Lose("a0", "node n1 is DOWN"));
        assertThat(lost.steps()).extracting(TaskStateMachine.Step::to).containsExactly(TaskState.LOST, TaskState.PENDING);
        assertThat(lost.status().state()).isEqualTo(TaskState.PENDING);
        assertThat(lost.status().retriesUsed()).isZero();
        assertThat(lost.status().attempt()).isEqualTo(2);
    }

    @Test
    void reportsAboutAnOldAttemptChangeNothing() {
        Status s = apply(Status.initial("a0", 0), new Input.Schedule("n1")).status();
        Status retried = apply(s, new Input.Lose("a0", "down")).status();
        assertThat(apply(retried, new Input.Start("a0")).changed()).isFalse();
        assertThat(apply(retried, new Input.Exit("a0", 0, null)).changed()).isFalse();
        assertThat(apply(retried, new Input.Lose("a0", "down")).changed()).isFalse();
    }

    @Test
    void anExitBeforeTheStartReportStillEndsTheAttempt() {
        Status s = apply(Status.initial("a0", 0), new Input.Schedule("n1")).status();
        Outcome done = apply(s, new Input.Exit("a0", 0, null));
        assertThat(done.steps()).extracting(TaskStateMachine.Step::to).containsExactly(TaskState.RUNNING, TaskState.SUCCEEDED);
    }

    @Test
    void cancellingStopsPendingScheduledAndRunningButNotFinishedTasks() {
        assertThat(apply(Status.initial("a0", 0), new Input.Cancel("by user")).status().state()).isEqualTo(TaskState.CANCELLED);
        Status done = apply(apply(Status.initial("a0", 0), new Input.Schedule("n")).status(), new Input.Exit("a0", 0, null)).status();
        assertThat(apply(done, new Input.Cancel("late")).changed()).isFalse();
    }

    @Property(tries = 300)
    void randomReportsNeverYieldTwoCurrentAttemptsAndTerminalStatesStayTerminal(
            @ForAll("inputs") List<Integer> script, @ForAll @IntRange(max = 3) int maxRetries) {
        AtomicInteger counter = new AtomicInteger();
        Status s = Status.initial("a0", maxRetries);
        Set<String> seenAttempts = new HashSet<>(Set.of("a0"));
        List<String> attemptsSoFar = new java.util.ArrayList<>(List.of("a0"));
        for (int code : script) {
            String someAttempt = attemptsSoFar.get(Math.floorMod(code >> 3, attemptsSoFar.size()));
            Input input = switch (code & 7) {
                case 0 -> new Input.Schedule("n" + (code % 5));
                case 1 -> new Input.Start(someAttempt);
                case 2 -> new Input.Exit(someAttempt, 0, null);
                case 3 -> new Input.Exit(someAttempt, 1, "boom");
                case 4 -> new Input.Lose(someAttempt, "down");
                case 5 -> new Input.Cancel("user");
                default -> new Input.Start(s.attemptId());
            };
            Status before = s;
            Outcome outcome = TaskStateMachine.apply(s, input, () -> "b" + counter.incrementAndGet());
            s = outcome.status();
            if (before.finished()) {
                assertThat(outcome.changed()).isFalse();
                assertThat(s).isEqualTo(before);
            }
            // at most one new attempt per input, and the current attempt is always the newest one
            long newAttempts = outcome.steps().stream().map(TaskStateMachine.Step::attemptId)
                    .filter(id -> !seenAttempts.contains(id)).distinct().count();
            assertThat(newAttempts).isLessThanOrEqualTo(1);
            outcome.steps().forEach(step -> {
                if (seenAttempts.add(step.attemptId())) {
                    attemptsSoFar.add(step.attemptId());
                }
            });
            assertThat(s.attemptId()).isEqualTo(attemptsSoFar.getLast());
            assertThat(s.attempt()).isEqualTo(attemptsSoFar.size());
            assertThat(s.retriesUsed()).isLessThanOrEqualTo(maxRetries);
            if (!outcome.steps().isEmpty()) {
                // only the current attempt's steps, or the step that ended it and the new attempt's first step
                assertThat(outcome.steps().stream().map(TaskStateMachine.Step::attemptId).distinct().count()).isLessThanOrEqualTo(2);
            }
        }
    }

    @Provide
    Arbitrary<List<Integer>> inputs() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(40);
    }
}
