package dev.holon.contracts.task;

import java.util.List;
import java.util.Map;

/**
 * Command on {@code holon.task.assignments}, keyed by node id: run this attempt of a task. A worker must refuse
 * a command whose {@code fencingToken} is lower than the highest it has seen (it comes from a deposed scheduler).
 * {@code inputs} are tenant-qualified file paths ({@code /<tenant>/...}) the worker stages into the task's
 * {@code inputs/} folder before it starts (empty when none); {@code outputDir} ({@code /<tenant>/...}, null when
 * none) is where the files the task leaves in {@code outputs/} are stored after it succeeded, under
 * {@code task-<index>/}. {@code tenant} decides the Unix user the task runs as on the worker (tasks of different
 * tenants never share one); a payload without it (written before the field was required) reads as tenant
 * {@value #DEFAULT_TENANT}.
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
        String tenant,
        List<String> inputs,
        String outputDir) {

    /** The tenant of an assignment that names none, as a caller without a tenant claim has. */
    public static final String DEFAULT_TENANT = "default";

    public AssignTask {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        tenant = tenant == null || tenant.isBlank() ? DEFAULT_TENANT : tenant;
    }
}
