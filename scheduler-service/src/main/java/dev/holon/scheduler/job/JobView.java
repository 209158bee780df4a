package dev.holon.scheduler.job;

import dev.holon.scheduler.placement.Strategy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it. {@code state} is derived from its tasks; {@code pendingReason} says why some tasks
 * cannot be placed now; {@code tasks} is left out of list pages.
 */
public record JobView(
        String id,
        String name,
        String owner,
        String tenant,
        String state,
        String pendingReason,
        List<String> command,
        Map<String, String> env,
        JobRequest.Resources resources,
        int count,
        List<String> constraints,
        Strategy strategy,
        int maxRetries,
        long timeoutSeconds,
        int priority,
        Instant createdAt,
        Instant updatedAt,
        List<TaskView> tasks) {

    /** One task of the job and its current attempt. */
    public record TaskView(String id, int index, String state, String nodeId, int attempt, String attemptId,
            Integer exitCode, Instant startedAt, Instant finishedAt, String reason) {
    }
}
