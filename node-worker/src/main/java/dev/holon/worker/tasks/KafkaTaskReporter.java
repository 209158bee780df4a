package dev.holon.worker.tasks;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.support.kafka.Envelopes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Publishes {@code TaskStarted}/{@code TaskExited} on {@code holon.task.events}, keyed by job id. */
final class KafkaTaskReporter implements TaskReporter {

    private static final Logger log = LoggerFactory.getLogger(KafkaTaskReporter.class);

    /** The producer drops a record after a few seconds (tuned for heartbeats); a report is worth retrying. */
    private static final int MAX_TRIES = 10;

    private final KafkaTemplate<String, EventEnvelope<?>> kafka;
    private final Envelopes envelopes;
    /**
     * Retries wait on a thread of our own: the common ForkJoin pool's threads do not see the application's class
     * loader in a Boot jar, and the Kafka client fails there with NoClassDefFoundError.
     */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("task-report-retry").factory());

    KafkaTaskReporter(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes) {
        this.kafka = kafka;
        this.envelopes = envelopes;
    }

    @Override
    public void report(TaskEvent event, String tenant) {
        // One envelope (one id) for every try, so the scheduler's dedupe sees a resend as the same report.
        send(envelopes.wrap(event.taskId(), tenant, event), event, 1);
    }

    private void send(EventEnvelope<TaskEvent> envelope, TaskEvent event, int attempt) {
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(Topics.TASK_EVENTS, event.jobId(), envelope);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, error) -> {
            if (error == null) {
                return;
            }
            if (attempt >= MAX_TRIES) {
                log.warn("{} of attempt {} (job {}) not delivered after {} tries: {}",
                        event.getClass().getSimpleName(), event.attemptId(), event.jobId(), attempt, error.toString());
                return;
            }
            retries.schedule(() -> send(envelope, event, attempt + 1), attempt, TimeUnit.SECONDS);
        });
    }
}
