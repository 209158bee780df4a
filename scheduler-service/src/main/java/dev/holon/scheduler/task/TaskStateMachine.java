package dev.holon.scheduler.task;

import dev.holon.contracts.task.TaskState;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The life of one task, in plain Java: PENDING -> SCHEDULED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED,
 * SCHEDULED/RUNNING -> LOST, PENDING/SCHEDULED/RUNNING -> CANCELLED. A LOST attempt, or a FAILED one with retries
 * left, is followed by a new attempt (new id, PENDING); LOST does not consume a retry. A report about an attempt
 * that is not the current one changes nothing. Pure and stateless: {@link #apply} returns the new status.
 */
public final class TaskStateMachine {

    private TaskStateMachine() {
    }

    /** A task's current attempt as far as the state machine cares. */
    public record Status(TaskState state, int attempt, String attemptId, String nodeId, int retriesUsed, int maxRetries) {
        public Status {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(attemptId, "attemptId");
        }

        public static Status initial(String attemptId, int maxRetries) {
            return new Status(TaskState.PENDING, 1, attemptId, null, 0, maxRetries);
        }

        /** Finished for good: no further attempt will follow. */
        public boolean finished() {
            return state == TaskState.SUCCEEDED || state == TaskState.FAILED || state == TaskState.CANCELLED;
        }
    }

    /** What happened to the task. Reports name the attempt they are about. */
    public sealed interface Input {
        record Schedule(String nodeId) implements Input { }
        record Start(String attemptId) implements Input { }
        record Exit(String attemptId, int exitCode, String reason) implements Input { }
        record Lose(String attemptId, String reason) implements Input { }
        record Cancel(String reason) implements Input { }
    }

    /** One state change of one attempt, as published in {@code TaskStateChanged}. */
    public record Step(String attemptId, TaskState from, TaskState to, String nodeId, String reason) { }

    /** The new status and the steps that led there; no steps means the input was ignored. */
    public record Outcome(Status status, List<Step> steps) {
        public boolean changed() {
            return !steps.isEmpty();
        }
    }

    public static Outcome apply(Status current, Input input, Supplier<String> newAttemptId) {
        List<Step> steps = new ArrayList<>();
        Status next = switch (input) {
            case Input.Schedule s -> current.state() == TaskState.PENDING
                    ? move(current, TaskState.SCHEDULED, s.nodeId(), null, steps) : current;
            case Input.Start s -> !current.attemptId().equals(s.attemptId()) || current.state() != TaskState.SCHEDULED
                    ? current : move(current, TaskState.RUNNING, current.nodeId(), null, steps);
            case Input.Exit e -> exit(current, e, newAttemptId, steps);
            case Input.Lose l -> !current.attemptId().equals(l.attemptId()) || !current.state().onNode()
                    ? current : retry(move(current, TaskState.LOST, current.nodeId(), l.reason(), steps), false,
                    newAttemptId, steps);
            case Input.Cancel c -> current.finished() || current.state() == TaskState.LOST
                    ? current : move(current, TaskState.CANCELLED, current.nodeId(), c.reason(), steps);
        };
        return new Outcome(next, List.copyOf(steps));
    }

    private static Status exit(Status current, Input.Exit e, Supplier<String> newAttemptId, List<Step> steps) {
        if (!current.attemptId().equals(e.attemptId()) || !current.state().onNode()) {
            return current;
        }
        Status running = current.state() == TaskState.SCHEDULED
                ? move(current, TaskState.RUNNING, current.nodeId(), "exit reported before start", steps) : current;
        if (e.exitCode() == 0) {
            return move(running, TaskState.SUCCEEDED, running.nodeId(), null, steps);
        }
        String reason = e.reason() == null || e.reason().isBlank() ? "exited with code " + e.exitCode() : e.reason();
        Status failed = move(running, TaskState.FAILED, running.nodeId(), reason, steps);
        return failed.retriesUsed() < failed.maxRetries() ? retry(failed, true, newAttemptId, steps) : failed;
    }

    private static Status retry(Status ended, boolean consumesRetry, Supplier<String> newAttemptId, List<Step> steps) {
        String attemptId = newAttemptId.get();
        Status fresh = new Status(TaskState.PENDING, ended.attempt() + 1, attemptId, null,
                ended.retriesUsed() + (consumesRetry ? 1 : 0), ended.maxRetries());
        steps.add(new Step(attemptId, ended.state(), TaskState.PENDING, null,
                "attempt " + fresh.attempt() + " after " + ended.state()));
        return fresh;
    }

    private static Status move(Status current, TaskState to, String nodeId, String reason, List<Step> steps) {
        steps.add(new Step(current.attemptId(), current.state(), to, nodeId, reason));
        return new Status(to, current.attempt(), current.attemptId(), nodeId, current.retriesUsed(), current.maxRetries());
    }
}
