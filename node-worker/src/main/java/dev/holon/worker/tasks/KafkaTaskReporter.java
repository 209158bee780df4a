package dev.holon.worker.tasks;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.RetryingFactSender;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes {@code TaskStarted}/{@code TaskExited} on {@code holon.task.events}, keyed by job id, with retries. */
final class KafkaTaskReporter implements TaskReporter {

    private final RetryingFactSender sender;
    private final Envelopes envelopes;

    KafkaTaskReporter(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes) {
        this.sender = new RetryingFactSender(kafka, "task-report-retry");
        this.envelopes = envelopes;
    }

    @Override
    public void report(TaskEvent event, String tenant) {
        sender.send(Topics.TASK_EVENTS, event.jobId(), envelopes.wrap(event.taskId(), tenant, event),
                event.getClass().getSimpleName() + " of attempt " + event.attemptId() + " (job " + event.jobId() + ")");
    }
}
