package dev.holon.scheduler.job;

import dev.holon.scheduler.placement.Strategy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it. {@code state} is derived from its tasks; {@code pendingReason} says why some tasks
 * cannot be placed now; {@code tasks} is left out of list pages. {@code inputs} and {@code outputDir} are
 * tenant-qualified ({@code /<tenant>/...}); {@code outputDir} is null when the job stores no outputs. Either
 * {@code command} or {@code script} is set, as submitted.
 */
public record JobView(
        String id,
        String name,
        String owner,
        String tenant,
        String state,
        String pendingReason,
        List<String> command,
        String script,
        Map<String, String> env,
        JobRequest.Resources resources,
        int count,
        List<String> constraints,
        List<JobRequest.Affinity> affinities,
        Strategy strategy,
        int maxRetries,
        int retryBackoffSeconds,
        long timeoutSeconds,
        int priority,
        List<String> inputs,
        String outputDir,
        Instant createdAt,
        Instant updatedAt,
        List<TaskView> tasks) {

    /**
     * One task of the job and its current attempt; {@code notBefore} is when a retried attempt becomes due;
     * {@code attempts} lists every attempt, oldest first.
     */
    public record TaskView(String id, int index, String state, String nodeId, int attempt, String attemptId,
            Integer exitCode, Instant startedAt, Instant finishedAt, String reason, Instant notBefore,
            List<AttemptView> attempts) {
    }

    /**
     * One attempt of a task: where it ran and how it ended (LOST with the node's fate, FAILED with its exit), and
     * what it used as its worker measured it: CPU time in milliseconds and peak memory in bytes (null when the
     * worker could not measure them or the attempt did not end there).
     */
    public record AttemptView(int attempt, String attemptId, String state, String nodeId, Integer exitCode,
            String reason, Instant notBefore, Instant createdAt, Instant scheduledAt, Instant startedAt,
            Instant finishedAt, Long cpuMillisUsed, Long peakMemoryBytes) {
    }
}
