package dev.holon.worker.execution;

import java.time.Instant;

/**
 * How one attempt ended. {@code reason} is null on success, else {@code exit code N}, {@code timeout},
 * {@code cancelled}, {@code out of memory} or {@code failed to start: ...}. {@code exitCode} is the task's exit
 * status (128 + signal number when a signal ended it) and null when it never started.
 */
public record TaskResult(
        String attemptId,
        Integer exitCode,
        String reason,
        Instant startedAt,
        Instant finishedAt,
        ResourceUsage usage) {

    public static final String TIMEOUT = "timeout";
    public static final String CANCELLED = "cancelled";
    public static final String OUT_OF_MEMORY = "out of memory";
    public static final String FAILED_TO_START = "failed to start: ";

    public TaskResult {
        usage = usage == null ? ResourceUsage.UNKNOWN : usage;
    }

    public boolean succeeded() {
        return reason == null;
    }

    static TaskResult failedToStart(String attemptId, Instant at, String why) {
        return new TaskResult(attemptId, null, FAILED_TO_START + why, at, at, ResourceUsage.UNKNOWN);
    }

    static String exitCodeReason(int exitCode) {
        return "exit code " + exitCode;
    }
}
