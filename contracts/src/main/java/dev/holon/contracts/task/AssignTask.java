package dev.holon.contracts.task;

import java.util.List;
import java.util.Map;

/**
 * Command on {@code holon.task.assignments}, keyed by node id: run this attempt of a task. A worker must refuse
 * a command whose {@code fencingToken} is lower than the highest it has seen (it comes from a deposed scheduler).
 */
public record AssignTask(
        String taskId,
        String attemptId,
        String jobId,
        int index,
        int count,
        String nodeId,
        long fencingToken,
        List<String> command,
        Map<String, String> env,
        long cpuMillis,
        long memoryMiB,
        int gpus,
        long timeoutSeconds,
        String tenant) {
}
