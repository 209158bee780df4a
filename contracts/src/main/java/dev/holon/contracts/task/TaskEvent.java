package dev.holon.contracts.task;

import java.time.Instant;

/**
 * Task facts on {@code holon.task.events}, keyed by job id so one job's facts stay ordered. The scheduler
 * publishes {@link TaskStateChanged}; workers report {@link TaskStarted} and {@link TaskExited} for an attempt.
 */
public sealed interface TaskEvent {

    String jobId();

    String taskId();

    String attemptId();

    /** The scheduler moved an attempt of a task from one state to another. */
    record TaskStateChanged(String jobId, String taskId, String attemptId, int index, TaskState from, TaskState to,
            String nodeId, String reason) implements TaskEvent {
    }

    /** A worker started the attempt's process. */
    record TaskStarted(String jobId, String taskId, String attemptId, String nodeId, Instant startedAt)
            implements TaskEvent {
    }

    /**
     * The attempt's process ended: exit code 0 is success; {@code reason} says why otherwise (killed, timeout).
     * {@code cpuMillisUsed} (user + system CPU time) and {@code peakMemoryBytes} are what the worker measured of the
     * attempt's sandbox; null when it could not measure them (no cgroup there, the process never started) or the
     * report predates the fields.
     */
    record TaskExited(String jobId, String taskId, String attemptId, String nodeId, int exitCode, String reason,
            Instant finishedAt, Long cpuMillisUsed, Long peakMemoryBytes) implements TaskEvent {

        /** An end without measured usage. */
        public TaskExited(String jobId, String taskId, String attemptId, String nodeId, int exitCode, String reason,
                Instant finishedAt) {
            this(jobId, taskId, attemptId, nodeId, exitCode, reason, finishedAt, null, null);
        }
    }
}
