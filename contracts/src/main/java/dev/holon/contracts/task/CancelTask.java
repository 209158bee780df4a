package dev.holon.contracts.task;

/** Command on {@code holon.task.assignments}, keyed by node id: stop this attempt of a task. */
public record CancelTask(String taskId, String attemptId, String nodeId, long fencingToken, String reason) {
}
