package dev.holon.scheduler.task;

/** Published inside a transaction that left tasks of the job PENDING and due now: placement may start early. */
public record TasksPending(String jobId) {
}
