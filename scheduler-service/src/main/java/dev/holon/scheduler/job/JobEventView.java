package dev.holon.scheduler.job;

import java.time.Instant;

/** One step in a job's history: a task's attempt went {@code from -> to}, on a node, for a reason. */
public record JobEventView(String id, Instant time, int taskIndex, String attemptId, String from, String to,
        String nodeId, String reason) {

    static JobEventView of(JobRepository.EventRow row) {
        return new JobEventView(row.id(), row.at(), row.taskIndex(), row.attemptId(), row.from().name(),
                row.to().name(), row.nodeId(), row.reason());
    }
}
