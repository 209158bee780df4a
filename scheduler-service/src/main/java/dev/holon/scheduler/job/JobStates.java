package dev.holon.scheduler.job;

import dev.holon.contracts.task.TaskState;

import java.util.Collection;

/**
 * A job's state is derived from its tasks: CANCELLED once cancelled and nothing runs any more, SUCCEEDED when every
 * task succeeded, FAILED when a task failed for good and nothing else runs, RUNNING while any task is placed or
 * running, else PENDING.
 */
public final class JobStates {

    private JobStates() {
    }

    public static String derive(Collection<TaskState> tasks, boolean cancelRequested) {
        boolean active = tasks.stream().anyMatch(s -> s == TaskState.SCHEDULED || s == TaskState.RUNNING);
        boolean pending = tasks.stream().anyMatch(s -> s == TaskState.PENDING);
        if (!tasks.isEmpty() && tasks.stream().allMatch(s -> s == TaskState.SUCCEEDED)) {
            return "SUCCEEDED";
        }
        if (cancelRequested && !active && !pending) {
            return "CANCELLED";
        }
        if (!active && !pending && tasks.stream().anyMatch(s -> s == TaskState.FAILED)) {
            return "FAILED";
        }
        if (!active && !pending && tasks.stream().anyMatch(s -> s == TaskState.CANCELLED)) {
            return "CANCELLED";
        }
        return active ? "RUNNING" : "PENDING";
    }
}
